import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { prepareApp, startJitar, waitUntil } from './jitar-app.js';

/**
 * What a start loads is what it pays for (bench/startup measures the time): each kind of service loads
 * only the packages its service file asks for. The list comes from bench/startup/loaded-packages.mjs,
 * preloaded into the real process, which writes the packages it loaded when the process exits.
 */
const PRELOAD = fileURLToPath(new URL('../../bench/startup/loaded-packages.mjs', import.meta.url));

/** Needed by no service that has no metrics, NATS, assets or terminal: compilers, clients, matchers. */
const NEVER_AT_PLAIN_START = ['ajv (compiler)', 'fast-json-stringify (compiler)', 'prom-client', '@nats-io/transport-node', 'picomatch', 'jsonc-parser', '@fastify/static', 'pino-pretty', 'typescript', 'ts-morph'];

describe('packages loaded by a start', () =>
{
    let app: ReturnType<typeof prepareApp>;
    let lists: string;

    beforeAll(() =>
    {
        app = prepareApp('cluster');
        lists = mkdtempSync(join(tmpdir(), 'jitar-loads-'));
    });

    afterAll(() =>
    {
        app?.remove();
        rmSync(lists, { recursive: true, force: true });
    });

    /** Starts the service with the preload, calls `use` on it, stops it by PID; the packages it had loaded. */
    async function packagesOf(service: string, env: Record<string, string> = {}, use: (url: string) => Promise<void> = async () => {}): Promise<string[]>
    {
        const file = join(lists, `${service.replace(/\W/g, '-')}.txt`);
        const jitar = await startJitar(app.root, service, { ...env, NODE_OPTIONS: `--import=${PRELOAD}`, LOADED_PACKAGES_FILE: file }, ['--log-format=json']);
        try
        {
            await use(jitar.url);
        }
        finally
        {
            expect(await jitar.stop()).toBe(0);
        }
        return readFileSync(file, 'utf8').split('\n').filter(line => line !== '');
    }

    it('a standalone that serves calls, a gateway and its worker load none of what they do not use', async () =>
    {
        const standalone = await packagesOf('services/standalone.json', {}, async url =>
        {
            const answer = await fetch(`${url}/rpc/front/askWho`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
            expect(answer.status).toBe(200);
        });
        expect(standalone).toContain('fastify');
        expect(standalone.filter(name => [...NEVER_AT_PLAIN_START, 'undici'].includes(name))).toEqual([]);

        let worker: string[] = [];
        const gateway = await packagesOf('services/gateway.json', {}, async gatewayUrl =>
        {
            worker = await packagesOf('services/worker-stock.json', { GATEWAY: gatewayUrl }, async () =>
            {
                // Served through the gateway: the worker has registered (over HTTP) and answers.
                await waitUntil(async () => (await fetch(`${gatewayUrl}/rpc/stock/whoCalls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status === 200, 'the worker serving through the gateway');
            });
        });
        expect(gateway.filter(name => [...NEVER_AT_PLAIN_START, 'undici'].includes(name))).toEqual([]);
        // A worker sends HTTP to its gateway: undici is its, and only its.
        expect(worker).toContain('undici');
        expect(worker.filter(name => NEVER_AT_PLAIN_START.includes(name))).toEqual([]);
    });

    it('a repository that serves files loads what serving files takes (the check above can see a package)', async () =>
    {
        const repository = await packagesOf('services/repository.json', {}, async url =>
        {
            expect((await fetch(`${url}/index.html`)).status).toBe(200);
        });
        expect(repository).toEqual(expect.arrayContaining(['picomatch', '@fastify/static']));
    });
});
