import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { freePort, prepareApp, startJitar, waitUntil, type JitarProcess } from './jitar-app.js';

/**
 * The cluster over real processes on 127.0.0.1: a gateway, workers of two segments (front calls stock),
 * a proxy and a repository. Workers report every 200 ms in the fixture's service files, so that they
 * register at once; the gateway's thresholds leave 15 missed reports of room before a silent worker
 * counts as unavailable, so that a loaded machine does not make a healthy worker flap.
 */

jest.setTimeout(60_000);

interface WorkerInfo { id: string; url: string; state: string; procedureNames: string[] }

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

async function workersOf(gateway: string, trustKey?: string): Promise<WorkerInfo[]>
{
    const response = await fetch(`${gateway}/workers`, { headers: trustKey === undefined ? {} : { 'x-jitar-trust-key': trustKey } });
    return await response.json() as WorkerInfo[];
}

/** Waits until the gateway lists `count` available workers (those of `urls`, when given). */
async function waitForWorkers(gateway: string, count: number, trustKey?: string, urls?: string[]): Promise<WorkerInfo[]>
{
    const deadline = Date.now() + 20_000;
    for (;;)
    {
        const workers = await workersOf(gateway, trustKey).catch(() => []);
        const available = workers.filter(worker => worker.state === 'available');
        if (available.length === count && (urls === undefined || urls.every(url => available.some(worker => worker.url === url)))) return workers;
        if (Date.now() > deadline) throw new Error(`the gateway lists ${JSON.stringify(workers)}, not ${count} available workers`);
        await sleep(50);
    }
}

async function text(url: string, init?: RequestInit): Promise<{ status: number; body: string }>
{
    const response = await fetch(url, init);
    return { status: response.status, body: await response.text() };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> =>
    text(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Keeps `concurrency` requests going until stopped; records every outcome with its start and end time. */
function steadyLoad(url: string, concurrency: number): { stop(): Promise<{ start: number; end: number; status: number; body: string }[]> }
{
    const outcomes: { start: number; end: number; status: number; body: string }[] = [];
    let running = true;
    const loops = Array.from({ length: concurrency }, async () =>
    {
        while (running)
        {
            const start = Date.now();
            try
            {
                const { status, body } = await text(url);
                outcomes.push({ start, end: Date.now(), status, body });
            }
            catch (error)
            {
                outcomes.push({ start, end: Date.now(), status: 0, body: String(error) });
            }
        }
    });
    return { stop: async () => { running = false; await Promise.all(loops); return outcomes; } };
}

/** A copy of the fixture app for one describe block, and the processes it starts, stopped after it. */
function freshApp(): { app: () => ReturnType<typeof prepareApp>; started: JitarProcess[] }
{
    let app: ReturnType<typeof prepareApp> | undefined;
    const started: JitarProcess[] = [];
    beforeAll(() => { app = prepareApp('cluster'); });
    afterAll(async () =>
    {
        await Promise.all(started.map(process => process.stop()));
        app?.remove();
    });
    return {
        app: () =>
        {
            if (app === undefined) throw new Error('the app is prepared in beforeAll');
            return app;
        },
        started
    };
}

describe('a gateway with workers of two segments', () =>
{
    let app: ReturnType<typeof prepareApp>;
    let gateway: JitarProcess;
    let gatewayPort: number;
    let front: JitarProcess;
    const stock: JitarProcess[] = [];
    const started: JitarProcess[] = [];

    const startWorker = async (service: string, name: string): Promise<JitarProcess> =>
    {
        const worker = await startJitar(app.root, service, { GATEWAY: `http://127.0.0.1:${gatewayPort}`, WORKER_NAME: name });
        started.push(worker);
        return worker;
    };

    beforeAll(async () =>
    {
        app = prepareApp('cluster');
        gatewayPort = await freePort();
        // A worker that starts before its gateway registers once the gateway is there.
        front = await startWorker('services/worker-front.json', 'front-1');
        gateway = await startJitar(app.root, 'services/gateway.json', { PORT: String(gatewayPort) });
        started.push(gateway);
        stock.push(await startWorker('services/worker-stock.json', 'stock-1'), await startWorker('services/worker-stock.json', 'stock-2'));
        await waitForWorkers(gateway.url, 3);
    });

    afterAll(async () =>
    {
        await Promise.all(started.map(process => process.stop()));
        app.remove();
    });

    it('registers each worker with the procedures it serves', async () =>
    {
        const workers = await workersOf(gateway.url);
        const byUrl = new Map(workers.map(worker => [worker.url, worker]));
        expect(byUrl.get(front.url)?.procedureNames).toEqual(expect.arrayContaining(['front/order', 'front/tryOrder', 'front/askWho']));
        expect(byUrl.get(front.url)?.procedureNames).not.toContain('stock/reserve');
        for (const worker of stock) expect(byUrl.get(worker.url)?.procedureNames).toEqual(expect.arrayContaining(['stock/reserve', 'stock/restock', 'stock/whereAmI']));
        expect(front.output()).toContain('Registered with gateway');
    });

    it('answers mistakes in the worker API with a 4xx naming the key, and keeps serving', async () =>
    {
        expect(await post(`${gateway.url}/workers`, { url: 'nope', procedureNames: [] })).toEqual({ status: 400, body: 'Invalid registration key \'url\': must be an http(s) URL, not "nope"' });
        expect(await post(`${gateway.url}/workers`, { url: 'http://127.0.0.1:1', procedureNames: ['a'], port: 1 }))
            .toEqual({ status: 400, body: 'Unknown registration key \'port\'; known keys are url, procedureNames, procedures, trustKey, state' });
        expect(await post(`${gateway.url}/workers`, { url: 'http://127.0.0.1:1', procedureNames: 'a' })).toEqual({ status: 400, body: 'Invalid registration key \'procedureNames\': must be an array of procedure names' });
        expect(await post(`${gateway.url}/workers/nobody/report`, { state: 'available' })).toEqual({ status: 404, body: 'Worker \'nobody\' is not registered' });
        const [someone] = await workersOf(gateway.url);
        expect(await post(`${gateway.url}/workers/${someone.id}/report`, { state: 'sleepy' }))
            .toEqual({ status: 400, body: 'A report must be a JSON object with a state: starting, available, unavailable, stopping or stopped' });
        expect(await post(`${gateway.url}/workers`, '{"url": ')).toMatchObject({ status: 400 });
        await waitForWorkers(gateway.url, 3);
    });

    it('balances round robin over the workers that serve a procedure', async () =>
    {
        const counts = new Map<string, number>();
        for (let index = 0; index < 40; index++)
        {
            const { status, body } = await text(`${gateway.url}/rpc/stock/whereAmI`);
            expect(status).toBe(200);
            counts.set(body, (counts.get(body) ?? 0) + 1);
        }
        expect(Object.fromEntries(counts)).toEqual({ 'stock-1': 20, 'stock-2': 20 });
    });

    it('answers 404 for a procedure no worker serves', async () =>
    {
        const { status, body } = await text(`${gateway.url}/rpc/stock/nothing`);
        expect(status).toBe(404);
        expect(body).toBe('Procedure \'stock/nothing\' not found');
    });

    it('answers through the gateway with a Content-Length, as the worker does, and its own errors with nosniff', async () =>
    {
        const through = await fetch(`${gateway.url}/rpc/stock/echo?text=hello`);
        expect([through.status, through.headers.get('content-length'), through.headers.get('transfer-encoding'), await through.text()]).toEqual([200, '5', null, 'hello']);
        const direct = await fetch(`${stock[0].url}/rpc/stock/echo?text=hello`);
        expect([direct.headers.get('content-length'), direct.headers.get('x-content-type-options')]).toEqual(['5', through.headers.get('x-content-type-options')]);
        const missing = await fetch(`${gateway.url}/rpc/stock/nothing`);
        expect([missing.status, missing.headers.get('x-content-type-options'), missing.headers.get('content-length')]).toEqual([404, 'nosniff', String((await missing.text()).length)]);
    });

    it('passes registered classes, Dates, Maps and BigInts between segments both ways', async () =>
    {
        const { status, body } = await post(`${gateway.url}/rpc/front/orderSummary`, { name: 'pen', quantity: 2 });
        expect({ status, body }).toEqual({ status: 200, body: 'pen (3) x2 = 6 on 2026-11-21, code 18446744073709551616' });

        const serialized = await post(`${gateway.url}/rpc/front/order`, { name: 'ink', price: { serialized: true, name: 'BigInt', value: '7' }, quantity: 3 }, { 'x-jitar-data-encoding': 'serialized' });
        expect(serialized.status).toBe(200);
        // The encoding header asks for the reference's form: constructor arguments keyed by position.
        const reservation = JSON.parse(serialized.body) as { key: string; name: string; args: Record<string, unknown> };
        expect([reservation.key, reservation.name]).toEqual(['shared/Reservation', 'class']);
        expect(reservation.args[0]).toMatchObject({ key: 'shared/Item', name: 'class', args: { 0: 'ink', 1: { serialized: true, name: 'BigInt', value: '7' } } });
        expect(reservation.args[1]).toBe(3);
    });

    it('delivers an error thrown in one worker to the calling worker as its class, with message and status', async () =>
    {
        expect(await post(`${gateway.url}/rpc/front/tryOrder`, { name: 'pen', quantity: 20 }))
            .toEqual({ status: 200, body: 'OutOfStock: Only 10 of pen left; available 10; status 400; BadRequest true' });
        // Not caught in the front worker: the client gets the stock worker's status and message.
        expect(await post(`${gateway.url}/rpc/front/orderSummary`, { name: 'pen', quantity: 20 })).toEqual({ status: 400, body: 'Only 10 of pen left' });
    });

    it('carries the caller\'s headers into nested calls, where middleware reads them', async () =>
    {
        expect(await text(`${gateway.url}/rpc/front/askWho`, { headers: { authorization: 'Bearer alice' } })).toEqual({ status: 200, body: 'alice' });
        expect(await text(`${gateway.url}/rpc/front/askWho`)).toEqual({ status: 200, body: 'anonymous' });
    });

    it('keeps protected procedures closed without a trust key, through the gateway and between workers', async () =>
    {
        expect(await text(`${gateway.url}/rpc/stock/restock?item=pen`)).toEqual({ status: 401, body: 'Request not trusted' });
        expect(await text(`${gateway.url}/rpc/front/restockVia?item=pen`)).toEqual({ status: 401, body: 'Request not trusted' });
    });

    it('answers through the gateway, over its channel to the worker, exactly what the worker answers over HTTP', async () =>
    {
        const json = { 'content-type': 'application/json' };
        const requests: [string, RequestInit?][] = [
            ['/rpc/stock/echo?text=hi'],
            ['/rpc/stock/echo?text=a%20b%26c&serialize=true'],
            ['/rpc/stock/echo', { method: 'POST', headers: json, body: '{"text":"posted"}' }],
            ['/rpc/stock/echo', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=form' }],
            ['/rpc/stock/echo', { method: 'POST', headers: json, body: '{"text":' }],
            ['/rpc/stock/echo', { method: 'POST', headers: json, body: '{"text":"x","__proto__":{"y":1}}' }],
            ['/rpc/stock/echo', { method: 'POST', headers: json, body: '' }],
            ['/rpc/stock/echo', { method: 'POST', headers: json, body: '["x"]' }],
            ['/rpc/stock/echo', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'x' }],
            ['/rpc/stock/echo'],
            ['/rpc/stock/echo?text=a&other=b'],
            ['/rpc/stock/echo?text=a&text=b'],
            ['/rpc/stock/echo?text=a', { method: 'OPTIONS' }],
            ['/rpc/stock/echo?text=a', { headers: { 'x-jitar-procedure-version': 'one' } }],
            ['/rpc/stock/reserve', { method: 'POST', headers: { ...json, 'x-jitar-data-encoding': 'serialized' }, body: JSON.stringify({ item: { key: 'shared/Item', args: ['pen', { serialized: true, name: 'BigInt', value: '3' }] }, quantity: 11 }) }],
            ['/rpc/stock/reserve', { method: 'POST', headers: json, body: JSON.stringify({ item: { key: 'shared/Nope', args: [] }, quantity: 1 }) }],
            ['/rpc/stock/restock?item=pen'],
            ['/rpc/stock/whoCalls', { headers: { authorization: 'Bearer bob' } }]
        ];
        const answer = async (origin: string, [path, init]: [string, RequestInit?]): Promise<unknown[]> =>
        {
            const response = await fetch(`${origin}${path}`, init);
            return [response.status, response.headers.get('content-type'), response.headers.get('x-jitar-content-type'), await response.text()];
        };
        for (const request of requests)
        {
            const direct = await answer(stock[0].url, request);
            expect([request[0], await answer(gateway.url, request)]).toEqual([request[0], direct]);
        }
        for (const worker of stock) expect(worker.output()).toMatch(/Channel from 127\.0\.0\.1:\d+ opened/);
    });

    it('forwards over HTTP to a worker that takes no channels, as a Jitar worker', async () =>
    {
        const seen: string[] = [];
        const legacy = createServer((request, response) =>
        {
            seen.push(`${request.method} ${request.url}`);
            const known = request.url?.startsWith('/rpc/legacy/hello') === true;
            response.writeHead(known ? 200 : 404, { 'content-type': 'text/plain', ...known ? { 'x-jitar-content-type': 'text/plain' } : {} });
            response.end(known ? `legacy answers ${request.url}` : `Cannot GET ${request.url}`);
        });
        await new Promise<void>(resolve => legacy.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(legacy.address() as AddressInfo).port}`;
        try
        {
            const registered = await post(`${gateway.url}/workers`, { url, procedureNames: ['legacy/hello'] });
            const { id } = JSON.parse(registered.body) as { id: string };
            expect(await text(`${gateway.url}/rpc/legacy/hello?n=1`)).toEqual({ status: 200, body: 'legacy answers /rpc/legacy/hello?n=1' });
            expect(await text(`${gateway.url}/rpc/legacy/hello?n=2`)).toEqual({ status: 200, body: 'legacy answers /rpc/legacy/hello?n=2' });
            // One upgrade asked for and refused, then plain HTTP.
            expect(seen).toEqual(['GET /jitar/channel', 'GET /rpc/legacy/hello?n=1', 'GET /rpc/legacy/hello?n=2']);
            expect((await fetch(`${gateway.url}/workers/${id}`, { method: 'DELETE' })).status).toBe(204);
        }
        finally
        {
            legacy.closeAllConnections();
            await new Promise(resolve => legacy.close(resolve));
        }
    });

    it('calls between workers go straight to the worker, not through the gateway', async () =>
    {
        // The front worker learned the stock workers from the gateway; with the gateway gone it still
        // reaches both of them, round robin.
        await gateway.stop();
        const answers = new Set<string>();
        for (let index = 0; index < 4; index++)
        {
            const { status, body } = await text(`${front.url}/rpc/front/askWhere`);
            expect(status).toBe(200);
            answers.add(body);
        }
        expect([...answers].sort()).toEqual(['stock-1', 'stock-2']);

        // A new gateway at the same address: every worker registers again by itself.
        gateway = await startJitar(app.root, 'services/gateway.json', { PORT: String(gatewayPort) });
        started.push(gateway);
        await waitForWorkers(gateway.url, 3);
        expect(await text(`${gateway.url}/rpc/front/chain?text=again`)).toEqual({ status: 200, body: 'again' });
    });

    it('gives a new worker traffic as soon as it has registered', async () =>
    {
        const third = await startWorker('services/worker-stock.json', 'stock-3');
        await waitForWorkers(gateway.url, 4);
        const answers = new Set<string>();
        for (let index = 0; index < 3; index++) answers.add((await text(`${gateway.url}/rpc/stock/whereAmI`)).body);
        expect([...answers].sort()).toEqual(['stock-1', 'stock-2', 'stock-3']);
        await third.stop();
        await waitForWorkers(gateway.url, 3);
    });

    it('answers a request in flight on a worker killed with SIGKILL with a clear 502, and retries refused connections elsewhere', async () =>
    {
        const doomed = await startWorker('services/worker-stock.json', 'stock-doomed');
        await waitForWorkers(gateway.url, 4);
        // Three slow calls, round robin: one lands on each stock worker.
        const calls = [1, 2, 3].map(() => text(`${gateway.url}/rpc/stock/slow?ms=1500`));
        await waitUntil(() => doomed.output().includes('stock-doomed runs slow(1500)'), 'the slow call to reach the doomed worker');
        process.kill(doomed.process.pid ?? 0, 'SIGKILL');
        const results = await Promise.all(calls);
        const failed = results.filter(result => result.status !== 200);
        expect(failed).toHaveLength(1);
        expect(failed[0].status).toBe(502);
        expect(failed[0].body).toMatch(/connection to http:\/\/127\.0\.0\.1:\d+ failed during the request/);

        // Until the thresholds forget it, the dead worker is still listed; its refused connections are retried.
        for (let index = 0; index < 6; index++) expect((await text(`${gateway.url}/rpc/stock/whereAmI`)).status).toBe(200);
    });

    it('gives 504 when a worker takes longer than the request timeout', async () =>
    {
        // The worker answers after 4.5 s: a 504 naming the 3 s timeout is the gateway's own, not the worker's answer.
        const { status, body } = await text(`${gateway.url}/rpc/stock/slow?ms=4500`);
        expect(status).toBe(504);
        expect(body).toMatch(/did not answer within 3000 ms/);
    });

    it('loses no request in a rolling restart under steady load', async () =>
    {
        await waitForWorkers(gateway.url, 3);
        const load = steadyLoad(`${gateway.url}/rpc/front/askWhere`, 4);
        await sleep(300);
        for (let index = 0; index < stock.length; index++)
        {
            const name = `stock-${index + 1}`;
            const replacement = await startWorker('services/worker-stock.json', `${name}-new`);
            await waitForWorkers(gateway.url, 4);
            await stock[index].stop();
            stock[index] = replacement;
            await waitForWorkers(gateway.url, 3);
        }
        await sleep(300);
        const outcomes = await load.stop();
        expect(outcomes.length).toBeGreaterThan(50);
        expect(outcomes.filter(outcome => outcome.status !== 200)).toEqual([]);
        expect(new Set(outcomes.slice(-8).map(outcome => outcome.body))).toEqual(new Set(['stock-1-new', 'stock-2-new']));
    });

    it('limits the failures of a SIGKILL under load to the requests in flight, and is back to normal within a second', async () =>
    {
        const victim = await startWorker('services/worker-stock.json', 'stock-victim');
        await waitForWorkers(gateway.url, 4);
        const load = steadyLoad(`${gateway.url}/rpc/front/askWhere`, 4);
        await sleep(500);
        const killedAt = Date.now();
        process.kill(victim.process.pid ?? 0, 'SIGKILL');
        await sleep(1500);
        const outcomes = await load.stop();

        const failures = outcomes.filter(outcome => outcome.status !== 200);
        expect(failures.length).toBeLessThanOrEqual(4);
        // In flight: sent before the gateway saw the worker's connection close, which a loaded machine
        // may take a while to deliver.
        for (const failure of failures) expect(failure.start).toBeLessThanOrEqual(killedAt + 500);
        const after = outcomes.filter(outcome => outcome.start > killedAt + 1000);
        expect(after.length).toBeGreaterThan(0);
        expect(after.every(outcome => outcome.status === 200)).toBe(true);
    });
});

describe('versions across workers', () =>
{
    const { app, started } = freshApp();

    it('sends each requested version to a worker that serves it, from clients and from other workers', async () =>
    {
        const gateway = await startJitar(app().root, 'services/gateway.json');
        started.push(gateway);
        const env = { GATEWAY: gateway.url };
        started.push(await startJitar(app().root, 'services/worker-price-old.json', env));
        started.push(await startJitar(app().root, 'services/worker-price-new.json', env));
        const front = await startJitar(app().root, 'services/worker-front.json', env);
        started.push(front);
        await waitForWorkers(gateway.url, 3);

        const price = (version?: string): Promise<{ status: number; body: string }> =>
            text(`${gateway.url}/rpc/pricing/price?item=pen`, { headers: version === undefined ? {} : { 'x-jitar-procedure-version': version } });
        for (let index = 0; index < 3; index++)
        {
            expect(await price('1.0.0')).toEqual({ status: 200, body: 'pen: 10 (v1)' });
            expect(await price('2')).toEqual({ status: 200, body: 'pen: 12 (v2)' });
            expect(await price('1.5')).toEqual({ status: 200, body: 'pen: 10 (v1)' });
            expect(await price('3.0.0')).toEqual({ status: 200, body: 'pen: 12 (v2)' });
        }
        // Neither worker serves 0.0.0: the gateway answers, naming the versions both registered.
        expect(await price()).toEqual({ status: 404, body: 'Procedure \'pricing/price\' not found at version 0.0.0 (no version header was sent, which means 0.0.0); it has versions 1.0.0, 2.0.0: send one in the header, e.g. \'x-jitar-procedure-version: 2.0.0\'' });
        // The front worker calls version 2 directly, and also with the gateway gone.
        await gateway.stop();
        for (let index = 0; index < 3; index++) expect(await text(`${front.url}/rpc/front/quote?item=ink`)).toEqual({ status: 200, body: 'ink: 12 (v2)' });
    });
});

describe('a gateway with a trust key', () =>
{
    const { app, started } = freshApp();

    it('refuses workers without its key, and lets trusted callers reach protected procedures end to end', async () =>
    {
        const gateway = await startJitar(app().root, 'services/gateway-trusted.json', { TRUST_KEY: 'sesame' });
        started.push(gateway);
        const env = (key: string, name: string): Record<string, string> => ({ GATEWAY: gateway.url, WORKER_TRUST_KEY: key, WORKER_NAME: name });
        const intruder = await startJitar(app().root, 'services/worker-stock-trusted.json', env('guess', 'intruder'));
        started.push(intruder);
        started.push(await startJitar(app().root, 'services/worker-stock-trusted.json', env('sesame', 'stock-1')));
        started.push(await startJitar(app().root, 'services/worker-front-trusted.json', env('sesame', 'front-1')));

        const workers = await waitForWorkers(gateway.url, 2, 'sesame');
        expect(workers.some(worker => worker.url === intruder.url)).toBe(false);
        expect(intruder.output()).toContain('Invalid trust key');
        expect((await fetch(`${gateway.url}/workers`)).status).toBe(401);

        expect(await text(`${gateway.url}/rpc/stock/restock?item=pen`)).toEqual({ status: 401, body: 'Request not trusted' });
        expect(await text(`${gateway.url}/rpc/stock/restock?item=pen`, { headers: { 'x-jitar-trust-key': 'sesame' } })).toEqual({ status: 200, body: 'restocked pen' });
        // The front worker calls the protected procedure with its own key.
        expect(await text(`${gateway.url}/rpc/front/restockVia?item=ink`)).toEqual({ status: 200, body: 'restocked ink' });
    });
});

describe('a worker that calls one registered after it', () =>
{
    const { app, started } = freshApp();

    it('learns its route from its first call through the gateway, not only at its next report', async () =>
    {
        // A gateway that keeps a silent worker listed for minutes, whatever a loaded machine's start takes.
        const gateway = await startJitar(app().root, 'services/gateway-patient.json');
        started.push(gateway);
        // Reports once a minute: its routing table is the one it registered with, without the stock worker.
        const front = await startJitar(app().root, 'services/worker-front-rare-reports.json', { GATEWAY: gateway.url }, ['--log-level=debug']);
        started.push(front);
        await waitForWorkers(gateway.url, 1);
        started.push(await startJitar(app().root, 'services/worker-stock.json', { GATEWAY: gateway.url, WORKER_NAME: 'late-stock' }));
        await waitForWorkers(gateway.url, 2);

        const routeTables = (): number => front.output().split('Routes from gateway').length - 1;
        const before = routeTables();
        expect(await text(`${front.url}/rpc/front/askWhere`)).toEqual({ status: 200, body: 'late-stock' });
        // The call went through the gateway, so the worker asked for the routes at once.
        await waitUntil(() => routeTables() > before, 'the front worker to take new routes');
        // With the gateway gone, only a route learned since can take the call.
        await gateway.stop();
        expect(await text(`${front.url}/rpc/front/askWhere`)).toEqual({ status: 200, body: 'late-stock' });
    });
});

describe('a proxy in front of a gateway and a repository', () =>
{
    const { app, started } = freshApp();

    it('forwards RPC to the gateway and everything else to the repository', async () =>
    {
        const gateway = await startJitar(app().root, 'services/gateway.json');
        started.push(gateway);
        started.push(await startJitar(app().root, 'services/worker-stock.json', { GATEWAY: gateway.url, WORKER_NAME: 'stock-1' }));
        const repository = await startJitar(app().root, 'services/repository.json');
        started.push(repository);
        const proxy = await startJitar(app().root, 'services/proxy.json', { GATEWAY: gateway.url, REPOSITORY: repository.url }, ['--http-body-limit=1000']);
        started.push(proxy);
        await waitForWorkers(gateway.url, 1);

        expect(await text(`${proxy.url}/rpc/stock/echo?text=hi`)).toEqual({ status: 200, body: 'hi' });
        expect(await post(`${proxy.url}/rpc/stock/echo`, { text: 'posted' })).toEqual({ status: 200, body: 'posted' });
        expect(await post(`${proxy.url}/rpc/stock/echo`, { text: 5 })).toEqual({ status: 400, body: 'Invalid value for parameter \'text\': must be string' });
        const page = await text(`${proxy.url}/index.html`);
        expect(page.status).toBe(200);
        expect(page.body).toContain('The shop');
        expect((await text(`${proxy.url}/secret.txt`)).status).toBe(404);

        // Bad input and a missing gateway get clear answers, and the proxy keeps serving.
        expect(await post(`${proxy.url}/rpc/stock/echo`, { text: 'x'.repeat(2000) })).toEqual({ status: 413, body: 'Request body is too large' });
        expect(await text(`${proxy.url}/rpc/stock/echo?text=still`)).toEqual({ status: 200, body: 'still' });
        // The gateway's own answers come back over the proxy's channel as over HTTP: text, or serialized when asked.
        expect(await text(`${proxy.url}/rpc/stock/nothing`)).toEqual({ status: 404, body: 'Procedure \'stock/nothing\' not found' });
        const serializedMiss = await fetch(`${proxy.url}/rpc/stock/nothing`, { headers: { 'x-jitar-data-encoding': 'serialized' } });
        expect([serializedMiss.status, serializedMiss.headers.get('x-jitar-content-type'), JSON.parse(await serializedMiss.text())])
            .toEqual([404, 'application/json', expect.objectContaining({ serialized: true, type: 'NotFound', message: 'Procedure \'stock/nothing\' not found' })]);
        expect(gateway.output()).toMatch(/Channel from 127\.0\.0\.1:\d+ opened/);
        await gateway.stop();
        const unreachable = await text(`${proxy.url}/rpc/stock/echo?text=hi`);
        expect(unreachable.status).toBe(502);
        expect(unreachable.body).toBe(`Cannot connect to ${gateway.url}`);
        expect((await text(`${proxy.url}/index.html`)).status).toBe(200);
    });
});
