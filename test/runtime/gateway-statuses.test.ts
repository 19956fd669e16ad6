import { describe, expect, it } from '@jest/globals';

import { Gateway, type GatewayOptions } from '../../runtime/cluster/gateway.js';
import type { HttpAnswer, HttpRequest, Transport } from '../../runtime/transport/transport.js';
import { WorkerRegistry } from '../../runtime/cluster/worker-registry.js';
import { NoWorkerYet, ProcedureNotFound, ProcedureTimedOut, RemoteCallTimedOut, statusOf, WorkerUnavailable } from '../../runtime/errors.js';
import { ProcedureDeadlines } from '../../runtime/rpc/procedure-deadline.js';

/**
 * The statuses a gateway answers when no worker takes a call (503 for names a worker may yet come for,
 * 404 for the others), what it does with a worker whose call timed out, and the deadline of a procedure.
 */

const REQUEST: HttpRequest = { method: 'GET', path: '/rpc/calls/who', headers: {} };

/** A transport whose workers answer with their URL, except those in `hung`, whose calls time out. */
function transport(hung: ReadonlySet<string>): Transport
{
    return {
        send: (origin): Promise<HttpAnswer> => hung.has(origin)
            ? Promise.reject(new RemoteCallTimedOut(`${origin} did not answer within 10 ms`))
            : Promise.resolve({ status: 200, headers: {}, body: Buffer.from(origin) }),
        close: () => Promise.resolve()
    };
}

function gateway(options: Partial<GatewayOptions>, hung: ReadonlySet<string> = new Set()): Gateway
{
    return new Gateway(new WorkerRegistry({ unavailableThreshold: 60_000, stoppedThreshold: 120_000 }), transport(hung), undefined, options);
}

describe('a gateway with the build\'s names', () =>
{
    it('answers 503 for a listed name no worker serves yet, 404 for others', async () =>
    {
        const withBuild = gateway({ expected: new Set(['calls/who']) });
        const waiting = withBuild.forward('calls/who', REQUEST);
        await expect(waiting).rejects.toThrow(new NoWorkerYet('calls/who'));
        await expect(waiting).rejects.toThrow('No worker serves \'calls/who\' yet; try again');
        expect(statusOf(await waiting.catch((error: unknown) => error))).toBe(503);
        await expect(withBuild.forward('calls/madeUp', REQUEST)).rejects.toThrow(ProcedureNotFound);

        withBuild.register({ url: 'http://127.0.0.1:3001', procedureNames: ['calls/who'] });
        expect((await withBuild.forward('calls/who', REQUEST)).body.toString()).toBe('http://127.0.0.1:3001');
    });
});

describe('a gateway without a build', () =>
{
    it('answers 503 for any name during the grace period after its start, 404 after', async () =>
    {
        let now = 1_000;
        const bare = gateway({ expected: undefined, gracePeriod: 5_000, now: () => now });
        await expect(bare.forward('calls/anything', REQUEST)).rejects.toThrow(NoWorkerYet);
        now += 5_000;
        await expect(bare.forward('calls/anything', REQUEST)).rejects.toThrow(NoWorkerYet);
        now += 1;
        await expect(bare.forward('calls/anything', REQUEST)).rejects.toThrow(ProcedureNotFound);
    });
});

describe('a worker whose call times out', () =>
{
    it('answers that call 504 without a retry and gets no more calls until it reports', async () =>
    {
        const hung = 'http://127.0.0.1:3001';
        const cluster = gateway({ expected: undefined }, new Set([hung]));
        const { id } = cluster.register({ url: hung, procedureNames: ['calls/who'] });
        cluster.register({ url: 'http://127.0.0.1:3002', procedureNames: ['calls/who'] });

        // Round robin starts with the first registered: the hung one. The call may have run there: no retry.
        await expect(cluster.forward('calls/who', REQUEST)).rejects.toThrow(RemoteCallTimedOut);
        expect(cluster.registry.list().map(worker => worker.state)).toEqual(['unavailable', 'available']);
        for (let call = 0; call < 4; call++) expect((await cluster.forward('calls/who', REQUEST)).body.toString()).toBe('http://127.0.0.1:3002');

        cluster.report(id, { state: 'available' }, undefined);
        expect(cluster.registry.list().map(worker => worker.state)).toEqual(['available', 'available']);
    });

    it('leaves a 503 naming the procedure when it was the only one', async () =>
    {
        const hung = 'http://127.0.0.1:3001';
        const cluster = gateway({ expected: new Set(['calls/who']) }, new Set([hung]));
        cluster.register({ url: hung, procedureNames: ['calls/who'] });
        await expect(cluster.forward('calls/who', REQUEST)).rejects.toThrow(RemoteCallTimedOut);
        await expect(cluster.forward('calls/who', REQUEST)).rejects.toThrow(new WorkerUnavailable('calls/who'));
    });
});

describe('a procedure\'s deadline', () =>
{
    it('passes results and failures on as they come', async () =>
    {
        const deadlines = new ProcedureDeadlines(1_000);
        await expect(deadlines.race(Promise.resolve(42), 'calls/quick')).resolves.toBe(42);
        await expect(deadlines.race(Promise.reject(new Error('no')), 'calls/quick')).rejects.toThrow('no');
    });

    it('answers 504 naming the procedure and the limit, and drops what the procedure settles to later', async () =>
    {
        let fail: (error: Error) => void = () => undefined;
        const late = new Promise<never>((_resolve, reject) => { fail = reject; });
        const answer = new ProcedureDeadlines(20).race(late, 'calls/slow');
        await expect(answer).rejects.toThrow(new ProcedureTimedOut('calls/slow', 20));
        await expect(answer).rejects.toThrow('Procedure \'calls/slow\' did not return within 20 ms (the service\'s requestTimeout); its answer is abandoned');
        expect(statusOf(await answer.catch((error: unknown) => error))).toBe(504);
        // A rejection after the deadline is handled there: no unhandled rejection ends the process.
        fail(new Error('too late'));
        await new Promise(resolve => setImmediate(resolve));
    });
});
