import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { runCli } from '../cli/run-cli.js';
import { copyApp, freePort, startJitar, waitUntil, type JitarProcess } from './jitar-app.js';
import { startNatsServer, type NatsServer } from './nats-server.js';

/**
 * The guestbook example split over NATS with its services/nats-*.json files, as the README's "Cluster on
 * NATS" shows: the same build, a gateway and a worker per segment, signGuestbook calling the protected
 * countVisit of the other worker over NATS. The files' fixed demo ports are swapped for free ones.
 */

jest.setTimeout(120_000);

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const SERVED = { 'content-type': 'application/json', 'x-jitar-procedure-version': '1.0.0', 'x-jitar-data-encoding': 'serialized' };
const visitor = (name: string, age: number): unknown => ({ serialized: true, name: 'Visitor', source: 'domain/Visitor.js', args: [name, age] });

describe('the guestbook example on NATS', () =>
{
    let app: ReturnType<typeof copyApp>;
    let nats: NatsServer;
    const started: JitarProcess[] = [];
    let gateway: JitarProcess;
    let visits: JitarProcess;

    /** The example's service file with its demo port replaced by a free one. */
    const withFreePort = async (file: string): Promise<{ file: string; port: number }> =>
    {
        const port = await freePort();
        const text = readFileSync(join(app.root, 'services', file), 'utf8');
        const copy = `services/free-${file}`;
        writeFileSync(join(app.root, copy), text.replace(/127\.0\.0\.1:300\d/, `127.0.0.1:${port}`));
        return { file: copy, port };
    };

    beforeAll(async () =>
    {
        app = copyApp(join(REPOSITORY, 'examples/guestbook'), 'nats-guestbook');
        mkdirSync(join(app.root, 'node_modules'));
        symlinkSync(REPOSITORY, join(app.root, 'node_modules/jitar'), 'dir');
        symlinkSync(join(REPOSITORY, 'node_modules/@types'), join(app.root, 'node_modules/@types'), 'dir');
        const built = runCli('jitar-compile', [], app.root);
        if (built.status !== 0) throw new Error(`jitar-compile failed:\n${built.stdout}${built.stderr}`);
        nats = await startNatsServer();
        // NATS_URL set here wins over the example's .env (the machine's own server).
        const env = { NATS_URL: nats.url };
        for (const name of ['nats-worker-guestbook.json', 'nats-worker-visits.json', 'nats-gateway.json'])
        {
            const { file, port } = await withFreePort(name);
            const process = await startJitar(app.root, file, { ...env, PORT: String(port) });
            started.push(process);
        }
        [, visits, gateway] = started;
        await waitUntil(async () => (await (await fetch(`${gateway.url}/workers`, { headers: { 'x-jitar-trust-key': 'guestbook-demo-key' } })).json() as unknown[]).length === 2, 'the gateway to list both workers');
    });

    afterAll(async () =>
    {
        await Promise.all(started.map(process => process.stop()));
        await nats?.stop();
        app?.remove();
    });

    it('signs the guestbook through the gateway, the visit counted by the other worker over NATS', async () =>
    {
        const signed = await fetch(`${gateway.url}/rpc/guestbook/signGuestbook`, { method: 'POST', headers: SERVED, body: JSON.stringify({ visitor: visitor('Ann', 30), message: 'Hi' }) });
        expect(signed.status).toBe(200);
        expect(await signed.text()).toContain('"Ann"');
        await waitUntil(() => visits.output().includes('visit 1 of Ann counted by the visits segment'), 'the visits worker to count the visit');

        const refused = await fetch(`${gateway.url}/rpc/guestbook/signGuestbook`, { method: 'POST', headers: SERVED, body: JSON.stringify({ visitor: visitor('Tim', 12), message: 'Hi' }) });
        expect(refused.status).toBe(400);
        expect(await refused.text()).toContain('Tim is 12: ask a grown-up to sign the guestbook');

        const listed = await fetch(`${gateway.url}/rpc/guestbook/listEntries`, { headers: { 'x-jitar-procedure-version': '1.0.0' } });
        expect(listed.status).toBe(200);
        expect(await listed.text()).toContain('Hi');
    });

    it('serves the page\'s calls through a proxy in front of the gateway, as in the HTTP cluster', async () =>
    {
        writeFileSync(join(app.root, 'services/free-proxy.json'), JSON.stringify({ url: 'http://127.0.0.1:${PORT}', proxy: { gateway: gateway.url } }));
        const proxy = await startJitar(app.root, 'services/free-proxy.json', { PORT: String(await freePort()) });
        started.push(proxy);
        const listed = await fetch(`${proxy.url}/rpc/guestbook/listEntries`, { headers: { 'x-jitar-procedure-version': '1.0.0' } });
        expect(listed.status).toBe(200);
        expect(await listed.text()).toContain('Ann');
        expect((await fetch(`${proxy.url}/rpc/guestbook/nothing`)).status).toBe(404);
    });

    it('keeps the protected procedure closed to callers without the trust key, and the worker list too', async () =>
    {
        expect((await fetch(`${gateway.url}/rpc/visits/countVisit?name=Eve`, { headers: { 'x-jitar-procedure-version': '1.0.0' } })).status).toBe(401);
        expect((await fetch(`${gateway.url}/workers`)).status).toBe(401);
        expect((await fetch(`${gateway.url}/procedures`)).status).toBe(401);
        const listed = await fetch(`${gateway.url}/procedures`, { headers: { 'x-jitar-trust-key': 'guestbook-demo-key' } });
        expect((await listed.json() as { fqn: string }[]).map(procedure => procedure.fqn)).toEqual(['guestbook/listEntries', 'guestbook/signGuestbook', 'visits/countVisit']);
    });
});
