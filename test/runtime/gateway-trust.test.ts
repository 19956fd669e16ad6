import { describe, expect, it } from '@jest/globals';

import { Gateway } from '../../runtime/cluster/gateway.js';
import type { HttpAnswer, Transport } from '../../runtime/transport/transport.js';
import { WorkerRegistry } from '../../runtime/cluster/worker-registry.js';
import { Forbidden, ProcedureNotFound, Unauthorized } from '../../runtime/errors.js';

/**
 * What a gateway lets other processes do to its table of workers, with and without a trust key, and
 * how large the tables that requests can reach grow.
 */

/** A transport that answers every request with the worker's URL, so that tests see where calls went. */
const echoTransport: Transport = {
    send: (origin): Promise<HttpAnswer> => Promise.resolve({ status: 200, headers: {}, body: Buffer.from(origin) }),
    close: () => Promise.resolve()
};

function gateway(trustKey?: string): Gateway
{
    return new Gateway(new WorkerRegistry({ unavailableThreshold: 60_000, stoppedThreshold: 120_000 }), echoTransport, trustKey);
}

const registration = (url: string, trustKey?: string): object => ({ url, procedureNames: ['secret/whoServes'], ...trustKey === undefined ? {} : { trustKey } });

describe('a gateway with a trust key', () =>
{
    it('needs it to register, report and deregister', () =>
    {
        const keyed = gateway('sesame');
        expect(() => keyed.register(registration('http://127.0.0.1:9'))).toThrow(new Unauthorized('Invalid trust key'));
        expect(() => keyed.register(registration('http://127.0.0.1:9', 'guess'))).toThrow(new Unauthorized('Invalid trust key'));
        const { id } = keyed.register(registration('http://127.0.0.1:3001', 'sesame'));

        for (const key of [undefined, 'guess', ['sesame', 'sesame']])
        {
            expect(() => keyed.report(id, { state: 'unavailable' }, key)).toThrow(new Unauthorized('Request not trusted'));
            expect(() => keyed.deregister(id, key)).toThrow(new Unauthorized('Request not trusted'));
        }
        // The refusals changed nothing.
        expect(keyed.registry.list().map(worker => [worker.id, worker.state])).toEqual([[id, 'available']]);

        expect(keyed.report(id, { state: 'available' }, 'sesame')).toEqual({ routes: { 'secret/whoServes': ['http://127.0.0.1:3001'] } });
        expect(keyed.deregister(id, 'sesame')).toBe(true);
        expect(keyed.registry.list()).toEqual([]);
    });

    it('refuses a report for an id it does not know only after checking the key', () =>
    {
        const keyed = gateway('sesame');
        expect(() => keyed.report('made-up', { state: 'available' }, undefined)).toThrow(Unauthorized);
        expect(keyed.report('made-up', { state: 'available' }, 'sesame')).toBeUndefined();
    });
});

describe('a gateway without a trust key', () =>
{
    it('refuses a worker that has one, saying why', () =>
    {
        const open = gateway();
        const refused = (): unknown => open.register(registration('http://127.0.0.1:3001', 'sesame'));
        expect(refused).toThrow(Forbidden);
        expect(refused).toThrow('This gateway has no trust key, so any process may register at it as a worker and be sent calls, with their headers; a worker with a trust key is refused here, so that its key and its callers\' headers do not pass through it. Give the gateway the same trustKey');
        expect(open.registry.list()).toEqual([]);
    });

    it('takes workers without one, and anyone may report or deregister them (what an open gateway allows)', () =>
    {
        const open = gateway();
        const { id } = open.register(registration('http://127.0.0.1:3001'));
        expect(open.report(id, { state: 'available' }, undefined)).toBeDefined();
        expect(open.deregister(id, undefined)).toBe(true);
    });
});

describe('the route table', () =>
{
    it('keeps no entry for names that no worker serves, however many are asked for', async () =>
    {
        const open = gateway();
        open.register(registration('http://127.0.0.1:3001'));
        const headers = { 'x-jitar-procedure-version': '1.0.0' };
        for (let index = 0; index < 20_000; index++)
        {
            const name = `${'x'.repeat(2000)}${index}`;
            expect(open.registry.routeFor(name, '1.0.0')).toBe(name);
        }
        await expect(open.forward(`made-up-${Math.random()}`, { method: 'GET', path: '/rpc/made-up', headers })).rejects.toThrow(ProcedureNotFound);
        expect(open.registry.cachedRoutes).toBe(0);

        // Served names are kept, each version once, and at most 64 versions of a name.
        expect(await open.forward('secret/whoServes', { method: 'GET', path: '/rpc/secret/whoServes', headers })).toMatchObject({ status: 200 });
        for (let minor = 0; minor < 200; minor++) open.registry.routeFor('secret/whoServes', `1.${minor}.0`);
        expect(open.registry.cachedRoutes).toBe(64);
    });
});
