import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Agent, fetch as undiciFetch } from 'undici';

import { makeCertificates } from '../certificates.js';
import { failingStart, freePort, prepareApp, startJitar, type JitarProcess } from './jitar-app.js';

/**
 * https:// services over real processes on 127.0.0.1, with a private CA made for the run: a client calls
 * through a proxy, a gateway and two workers (front calls stock), every hop TLS with the certificate
 * checked; jitar processes still talk over channels. Plain HTTP to an https port gets nothing, a process
 * that does not trust the CA gets no connection, and service files that would serve https without TLS
 * (or TLS that cannot work) do not start.
 */

jest.setTimeout(120_000);

const TLS = { cert: './certs/server.crt', key: './certs/server.key', ca: './certs/ca.crt' };
const THRESHOLDS = { unavailableThreshold: 1500, stoppedThreshold: 4000 };

/** Service files of the run, written into the app (they name the certificates relative to its root). */
const SERVICES: Record<string, object> = {
    'tls-gateway.json': { url: 'https://127.0.0.1:${PORT}', tls: TLS, gateway: { monitorInterval: 100 }, remoteWorker: THRESHOLDS },
    'tls-worker-front.json': { url: 'https://127.0.0.1:${PORT}', tls: TLS, worker: { gateway: '${GATEWAY}', segments: ['front'], reportInterval: 200 } },
    'tls-worker-stock.json': { url: 'https://127.0.0.1:${PORT}', tls: TLS, middleware: ['./auth/userFromHeader'], worker: { gateway: '${GATEWAY}', segments: ['stock'], reportInterval: 200 } },
    // Trusts only Node's default CAs (and NODE_EXTRA_CA_CERTS), not the run's.
    'tls-worker-stock-no-ca.json': { url: 'https://127.0.0.1:${PORT}', tls: { cert: TLS.cert, key: TLS.key }, worker: { gateway: '${GATEWAY}', segments: ['stock'], reportInterval: 200 } },
    // A repository calls no one: its tls names no ca.
    'tls-repository.json': { url: 'https://127.0.0.1:${PORT}', tls: { cert: TLS.cert, key: TLS.key }, repository: { assets: ['*.html'], assetRoot: './public' } },
    'tls-proxy.json': { url: 'https://127.0.0.1:${PORT}', tls: TLS, proxy: { gateway: '${GATEWAY}', repository: '${REPOSITORY}' } },
    'https-without-tls.json': { url: 'https://127.0.0.1:${PORT}', gateway: {} },
    'tls-on-http.json': { url: 'http://127.0.0.1:${PORT}', tls: TLS, gateway: {} },
    'tls-missing-cert.json': { url: 'https://127.0.0.1:${PORT}', tls: { ...TLS, cert: './certs/missing.crt' }, gateway: {} },
    'tls-bad-pem.json': { url: 'https://127.0.0.1:${PORT}', tls: { ...TLS, key: './certs/garbage.key' }, gateway: {} }
};

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

describe('a cluster on https with a private CA', () =>
{
    let app: ReturnType<typeof prepareApp>;
    let ca: Buffer;
    /** A client that trusts the run's CA, and only it. */
    let trusting: Agent;
    let gateway: JitarProcess;
    let front: JitarProcess;
    let stock: JitarProcess;
    let proxy: JitarProcess;
    const started: JitarProcess[] = [];

    const start = async (service: string, env: Record<string, string> = {}): Promise<JitarProcess> =>
    {
        const jitar = await startJitar(app.root, `services/${service}`, env, [], { ca });
        started.push(jitar);
        return jitar;
    };

    const text = async (url: string, init: Parameters<typeof undiciFetch>[1] = {}): Promise<{ status: number; body: string }> =>
    {
        const response = await undiciFetch(url, { ...init, dispatcher: trusting });
        return { status: response.status, body: await response.text() };
    };

    const workerUrls = async (): Promise<string[]> =>
    {
        const { status, body } = await text(`${gateway.url}/workers`);
        if (status !== 200) return [];
        return (JSON.parse(body) as { url: string; state: string }[]).filter(worker => worker.state === 'available').map(worker => worker.url).sort();
    };

    /** Waits until the gateway lists exactly these workers as available. */
    const waitForWorkers = async (urls: string[]): Promise<void> =>
    {
        const deadline = Date.now() + 20_000;
        for (;;)
        {
            const listed = await workerUrls().catch(() => []);
            if (JSON.stringify(listed) === JSON.stringify([...urls].sort())) return;
            if (Date.now() > deadline) throw new Error(`the gateway lists ${JSON.stringify(listed)}, not ${JSON.stringify(urls)}`);
            await sleep(50);
        }
    };

    /** Waits until the process has printed `pattern`. */
    const waitForOutput = async (jitar: JitarProcess, pattern: RegExp): Promise<string> =>
    {
        const deadline = Date.now() + 20_000;
        for (;;)
        {
            const found = pattern.exec(jitar.output());
            if (found !== null) return found[0];
            if (Date.now() > deadline) throw new Error(`no ${pattern} in the output:\n${jitar.output()}`);
            await sleep(50);
        }
    };

    beforeAll(async () =>
    {
        app = prepareApp('cluster');
        const certificates = makeCertificates(join(app.root, 'certs'));
        ca = readFileSync(certificates.ca);
        trusting = new Agent({ connect: { ca } });
        writeFileSync(join(app.root, 'certs/garbage.key'), 'not a key\n');
        for (const [name, content] of Object.entries(SERVICES)) writeFileSync(join(app.root, 'services', name), JSON.stringify(content, null, 4));

        gateway = await start('tls-gateway.json');
        front = await start('tls-worker-front.json', { GATEWAY: gateway.url });
        stock = await start('tls-worker-stock.json', { GATEWAY: gateway.url });
        const repository = await start('tls-repository.json');
        proxy = await start('tls-proxy.json', { GATEWAY: gateway.url, REPOSITORY: repository.url });
        await waitForWorkers([front.url, stock.url]);
    });

    afterAll(async () =>
    {
        await Promise.all(started.map(jitar => jitar.stop()));
        await trusting?.destroy();
        app?.remove();
    });

    it('says it serves https, and the workers register with their https urls', async () =>
    {
        expect(gateway.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        expect(proxy.output()).toContain(`serves ${proxy.url}`);
        expect(front.output()).toContain(`Registered with gateway ${gateway.url}`);
        expect(await workerUrls()).toEqual([front.url, stock.url].sort());
    });

    it('answers a call that goes client, proxy, gateway, front worker, stock worker, all over TLS', async () =>
    {
        expect(await text(`${proxy.url}/rpc/front/orderSummary`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'pen', quantity: 2 }) }))
            .toEqual({ status: 200, body: 'pen (3) x2 = 6 on 2026-11-21, code 18446744073709551616' });
        // The caller's headers travel with the nested call, as over http.
        expect(await text(`${proxy.url}/rpc/front/askWho`, { headers: { authorization: 'Bearer alice' } })).toEqual({ status: 200, body: 'alice' });
        // Files come from the https repository through the proxy.
        const page = await text(`${proxy.url}/index.html`);
        expect(page.status).toBe(200);
        expect(page.body).toContain('The shop');
    });

    it('carries calls between jitar processes on TLS channels, not plain HTTP requests', async () =>
    {
        expect((await text(`${proxy.url}/rpc/stock/whereAmI`)).status).toBe(200);
        // The proxy's channel to the gateway, the gateway's to a worker, the front worker's to stock (or via the gateway).
        await waitForOutput(gateway, /Channel from 127\.0\.0\.1:\d+ opened/);
        await waitForOutput(stock, /Channel from 127\.0\.0\.1:\d+ opened/);
        await waitForOutput(front, /Channel from 127\.0\.0\.1:\d+ opened/);
    });

    it('refuses a client that does not trust the CA: the certificate is checked', async () =>
    {
        const untrusting = new Agent();
        try
        {
            const failure = await undiciFetch(`${proxy.url}/rpc/stock/whereAmI`, { dispatcher: untrusting }).then(() => undefined, (error: Error) => error);
            expect(failure).toBeInstanceOf(Error);
            expect((failure?.cause as NodeJS.ErrnoException | undefined)?.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
        }
        finally
        {
            await untrusting.destroy();
        }
    });

    it('gives plain HTTP to an https port no answer at all', async () =>
    {
        for (const jitar of [proxy, gateway, front])
        {
            const { port } = new URL(jitar.url);
            // A raw request, so that nothing but the server decides what comes back.
            const answer = await new Promise<string>((resolve, reject) =>
            {
                const socket = connect(Number(port), '127.0.0.1');
                let received = '';
                socket.on('data', (chunk: Buffer) => { received += chunk.toString('latin1'); });
                socket.on('error', reject);
                socket.on('close', () => resolve(received));
                socket.write(`GET /rpc/stock/whereAmI HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`);
            });
            expect(answer).toBe('');
        }
        // And the service is none the worse for it.
        expect((await text(`${proxy.url}/rpc/stock/whereAmI`)).status).toBe(200);
    });

    it('keeps a worker that does not trust the gateway\'s CA out, saying why; NODE_EXTRA_CA_CERTS lets it in', async () =>
    {
        const distrustful = await start('tls-worker-stock-no-ca.json', { GATEWAY: gateway.url });
        const warning = await waitForOutput(distrustful, /Gateway .* not reached .*/);
        expect(warning).toContain(`Gateway ${gateway.url} not reached (Cannot connect to ${gateway.url}: its certificate is not accepted (UNABLE_TO_VERIFY_LEAF_SIGNATURE`);
        expect(warning).toContain('tls.ca (or NODE_EXTRA_CA_CERTS) must name the CA that signed it');
        expect(await workerUrls()).toEqual([front.url, stock.url].sort());
        await distrustful.stop();

        const trustingByEnvironment = await start('tls-worker-stock-no-ca.json', { GATEWAY: gateway.url, NODE_EXTRA_CA_CERTS: join(app.root, 'certs/ca.crt') });
        await waitForWorkers([front.url, stock.url, trustingByEnvironment.url]);
        await trustingByEnvironment.stop();
    });

    describe('service files that would not serve TLS as they say do not start', () =>
    {
        const refusal = async (service: string): Promise<string> =>
        {
            const { code, output } = await failingStart(app.root, `services/${service}`, { PORT: String(await freePort()) });
            expect(code).toBe(1);
            // One line, no stack trace.
            expect(output.trim().split('\n')).toHaveLength(1);
            return output.trim();
        };

        it('an https url without tls', async () =>
        {
            expect(await refusal('https-without-tls.json')).toMatch(/^services\/https-without-tls\.json: 'url' is https:\/\/127\.0\.0\.1:\d+, but there is no 'tls' with the certificate and key to serve it; add "tls": /);
        });

        it('tls on an http url', async () =>
        {
            expect(await refusal('tls-on-http.json')).toMatch(/^services\/tls-on-http\.json: 'tls' is set, but 'url' is http:\/\/127\.0\.0\.1:\d+, which serves plain HTTP; make 'url' https:\/\/ or remove 'tls'/);
        });

        it('a certificate file that is not there', async () =>
        {
            expect(await refusal('tls-missing-cert.json')).toBe(`services/tls-missing-cert.json: 'tls.cert' names certs/missing.crt, which is not found`);
        });

        it('a key file that is not PEM', async () =>
        {
            expect(await refusal('tls-bad-pem.json'))
                .toBe(`services/tls-bad-pem.json: 'tls.key' names certs/garbage.key, which holds no PEM private key (a block from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----)`);
        });
    });
});
