import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { freePort, prepareApp, startJitar, type JitarProcess } from './jitar-app.js';

/**
 * A 404 for a procedure that exists only at other versions names the versions there are and the header
 * that selects one, on a standalone and through a gateway (from the versions its workers registered).
 * The versions fixture serves report/summary at 0.5.0 (private, segment v1), 1.0.0 (public, v1),
 * 2.0.0 (public, v2) and 3.0.0 (protected, v2); internal/hidden is private only.
 */

jest.setTimeout(60_000);

const ALL_VERSIONS = "it has versions 1.0.0, 2.0.0, 3.0.0: send one in the header, e.g. 'x-jitar-procedure-version: 3.0.0'";
const NO_HEADER = `Procedure 'report/summary' not found at version 0.0.0 (no version header was sent, which means 0.0.0); ${ALL_VERSIONS}`;
/** 0.5.0 is the private version: it does not answer, and is not named. */
const PRIVATE_VERSION = `Procedure 'report/summary' not found at version 0.5.0 (asked by the header 'x-jitar-procedure-version: 0.5'); ${ALL_VERSIONS}`;

async function call(url: string, fqn: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }>
{
    const response = await fetch(`${url}/rpc/${fqn}`, { headers });
    return { status: response.status, body: await response.text() };
}

const version = (value: string): Record<string, string> => ({ 'x-jitar-procedure-version': value });

/** The same answers from a standalone and from a gateway in front of the two segments' workers. */
function answersVersionMisses(entry: () => string): void
{
    it('names the versions and the header when none was sent', async () =>
    {
        expect(await call(entry(), 'report/summary')).toEqual({ status: 404, body: NO_HEADER });
    });

    it('names them, and the header as sent, for a version below all of them', async () =>
    {
        expect(await call(entry(), 'report/summary', version('0.5'))).toEqual({ status: 404, body: PRIVATE_VERSION });
        const below = await call(entry(), 'report/summary', version('0.7.1'));
        expect(below).toEqual({
            status: 404,
            body: `Procedure 'report/summary' not found at version 0.7.1 (asked by the header 'x-jitar-procedure-version: 0.7.1'); ${ALL_VERSIONS}`
        });
        expect(below.body).not.toContain('0.5');
    });

    it('still answers the versions it names', async () =>
    {
        expect(await call(entry(), 'report/summary', version('1.5'))).toEqual({ status: 200, body: 'summary v1 (from the draft summary)' });
        expect(await call(entry(), 'report/summary', version('2.0.0'))).toEqual({ status: 200, body: 'summary v2' });
        expect(await call(entry(), 'report/summary', version('3'))).toEqual({ status: 401, body: 'Request not trusted' });
    });

    it('offers the name a caller likely meant: other case, the module path left out, a typo; never a private one', async () =>
    {
        const meant = (asked: string): { status: number; body: string } => ({ status: 404, body: `Procedure '${asked}' not found; did you mean 'report/summary'?` });
        expect(await call(entry(), 'Report/Summary', version('1.0.0'))).toEqual(meant('Report/Summary'));
        expect(await call(entry(), 'summary', version('1.0.0'))).toEqual(meant('summary'));
        expect(await call(entry(), 'report/sumary', version('1.0.0'))).toEqual(meant('report/sumary'));
        expect(await call(entry(), 'internal/hiden', version('1.0.0'))).toEqual({ status: 404, body: "Procedure 'internal/hiden' not found" });
        expect(await call(entry(), 'billing/invoice', version('1.0.0'))).toEqual({ status: 404, body: "Procedure 'billing/invoice' not found" });
    });

    it('keeps a private-only procedure absent: no versions named', async () =>
    {
        expect(await call(entry(), 'internal/hidden', version('1.0.0'))).toEqual({ status: 404, body: "Procedure 'internal/hidden' not found" });
        expect(await call(entry(), 'internal/hidden')).toEqual({ status: 404, body: "Procedure 'internal/hidden' not found" });
    });

    it('sends the message as a NotFound in serialized form', async () =>
    {
        const response = await fetch(`${entry()}/rpc/report/summary`, { headers: { 'x-jitar-data-encoding': 'serialized' } });
        expect([response.status, JSON.parse(await response.text())]).toEqual([404, { serialized: true, name: 'Error', type: 'NotFound', message: NO_HEADER }]);
    });
}

describe('a standalone', () =>
{
    let app: ReturnType<typeof prepareApp>;
    let standalone: JitarProcess;

    beforeAll(async () =>
    {
        app = prepareApp('versions');
        standalone = await startJitar(app.root, 'services/standalone.json');
    });

    afterAll(async () =>
    {
        await standalone?.stop();
        app?.remove();
    });

    answersVersionMisses(() => standalone.url);
});

describe('a gateway with a worker per segment', () =>
{
    let app: ReturnType<typeof prepareApp>;
    let gateway: JitarProcess;
    let workerV1: JitarProcess;
    const started: JitarProcess[] = [];

    beforeAll(async () =>
    {
        app = prepareApp('versions');
        gateway = await startJitar(app.root, 'services/gateway.json', { PORT: String(await freePort()) });
        started.push(gateway);
        workerV1 = await startJitar(app.root, 'services/worker-v1.json', { GATEWAY: gateway.url });
        started.push(workerV1);
        started.push(await startJitar(app.root, 'services/worker-v2.json', { GATEWAY: gateway.url }));
        // Both workers registered and available: only then does the gateway know every version.
        const deadline = Date.now() + 20_000;
        for (;;)
        {
            const workers = await (await fetch(`${gateway.url}/workers`)).json() as { state: string }[];
            if (workers.filter(worker => worker.state === 'available').length === 2) break;
            if (Date.now() > deadline) throw new Error(`the gateway lists ${JSON.stringify(workers)}, not 2 available workers`);
            await new Promise(resolve => setTimeout(resolve, 50));
        }
    });

    afterAll(async () =>
    {
        await Promise.all(started.map(process => process.stop()));
        app?.remove();
    });

    // No single worker serves all three versions: the gateway answers from what both registered.
    answersVersionMisses(() => gateway.url);

    it('lets a worker alone name only its own versions', async () =>
    {
        expect(await call(workerV1.url, 'report/summary')).toEqual({
            status: 404,
            body: "Procedure 'report/summary' not found at version 0.0.0 (no version header was sent, which means 0.0.0); it has version 1.0.0: send the header 'x-jitar-procedure-version: 1.0.0'"
        });
    });
});
