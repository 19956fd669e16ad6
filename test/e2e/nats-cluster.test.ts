import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { failingStart, prepareApp, startJitar, waitUntil, type JitarProcess } from './jitar-app.js';
import { startNatsServer, type NatsServer } from './nats-server.js';

/**
 * The cluster on NATS, over real processes on 127.0.0.1: a nats-server of this file's own, two gateways
 * and three workers of two segments (front calls stock over NATS), from the service files
 * services/nats-*.json of the cluster fixture: the app's code and segments are those of the HTTP cluster.
 * Every wait is for a state: a worker listed by the gateways, a process exited, a call answered.
 */

jest.setTimeout(120_000);

const TRUST_KEY = 'nats-cluster-key';

interface ListedWorker { id: string; url: string; procedureNames: string[]; procedures: { fqn: string; version: string }[] }

interface Outcome { url: string; start: number; end: number; status: number; body: string }

async function call(url: string, init?: RequestInit): Promise<{ status: number; body: string }>
{
    const response = await fetch(url, init);
    return { status: response.status, body: await response.text() };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> =>
    call(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function workersOf(gateway: string): Promise<ListedWorker[]>
{
    const response = await fetch(`${gateway}/workers`);
    if (response.status !== 200) throw new Error(`GET /workers answered ${response.status}`);
    return await response.json() as ListedWorker[];
}

/** Waits until the gateway lists exactly the workers of `urls`. */
async function waitForWorkers(gateway: string, urls: string[]): Promise<ListedWorker[]>
{
    let listed: ListedWorker[] = [];
    await waitUntil(async () =>
    {
        listed = await workersOf(gateway).catch(() => []);
        const seen = listed.map(worker => worker.url).sort();
        return seen.length === urls.length && [...urls].sort().every((url, index) => seen[index] === url);
    }, `${gateway} to list the workers ${urls.join(', ')}`);
    return listed;
}

/** Keeps `concurrency` requests to each URL going until stopped; records every outcome with its start and end time. */
function steadyLoad(urls: string[], concurrency: number): { count(): number; successesSince(time: number): number; stop(): Promise<Outcome[]> }
{
    const outcomes: Outcome[] = [];
    let running = true;
    const loops = urls.flatMap(url => Array.from({ length: concurrency }, async () =>
    {
        while (running)
        {
            const start = Date.now();
            try
            {
                const { status, body } = await call(url);
                outcomes.push({ url, start, end: Date.now(), status, body });
            }
            catch (error)
            {
                outcomes.push({ url, start, end: Date.now(), status: 0, body: String(error) });
                // A process that is gone refuses at once: the loop must not spin on it.
                await new Promise(resolve => setTimeout(resolve, 10));
            }
        }
    }));
    return {
        count: () => outcomes.length,
        successesSince: time => outcomes.filter(outcome => outcome.start > time && outcome.status === 200).length,
        stop: async () => { running = false; await Promise.all(loops); return outcomes; }
    };
}

const exitOf = (process: JitarProcess): Promise<number> => new Promise(resolve => process.process.once('exit', () => resolve(Date.now())));

describe('two gateways and three workers of two segments on NATS', () =>
{
    let app: ReturnType<typeof prepareApp>;
    let nats: NatsServer;
    const gateways: JitarProcess[] = [];
    let front: JitarProcess;
    const stock: JitarProcess[] = [];
    const started: JitarProcess[] = [];

    const env = (name: string): Record<string, string> => ({ NATS_URL: nats.url, TRUST_KEY, WORKER_NAME: name });
    const startWorker = async (service: string, name: string): Promise<JitarProcess> =>
    {
        const worker = await startJitar(app.root, `services/${service}`, env(name));
        started.push(worker);
        return worker;
    };
    const startGateway = async (): Promise<JitarProcess> =>
    {
        const gateway = await startJitar(app.root, 'services/nats-gateway.json', { NATS_URL: nats.url });
        started.push(gateway);
        return gateway;
    };
    const workerUrls = (): string[] => [front.url, ...stock.map(worker => worker.url)];

    beforeAll(async () =>
    {
        app = prepareApp('cluster');
        nats = await startNatsServer();
        // Workers that start before the gateways are found by the gateways' discovery; later ones announce themselves.
        front = await startWorker('nats-worker-front.json', 'front-1');
        gateways.push(await startGateway(), await startGateway());
        stock.push(await startWorker('nats-worker-stock.json', 'stock-1'), await startWorker('nats-worker-stock.json', 'stock-2'));
        for (const gateway of gateways) await waitForWorkers(gateway.url, workerUrls());
    });

    afterAll(async () =>
    {
        await Promise.all(started.map(process => process.stop()));
        await nats?.stop();
        app?.remove();
    });

    it('lists on each gateway which procedures are served, where, by how many workers', async () =>
    {
        for (const gateway of gateways)
        {
            const workers = await workersOf(gateway.url);
            const byUrl = new Map(workers.map(worker => [worker.url, worker]));
            expect(byUrl.get(front.url)?.procedureNames).toEqual(expect.arrayContaining(['front/order', 'front/tryOrder', 'front/askWho']));
            expect(byUrl.get(front.url)?.procedureNames).not.toContain('stock/reserve');
            expect(workers.filter(worker => worker.procedureNames.includes('stock/reserve')).map(worker => worker.url).sort()).toEqual(stock.map(worker => worker.url).sort());
            expect(byUrl.get(stock[0].url)?.procedures).toContainEqual({ fqn: 'stock/restock', version: '0.0.0' });
        }
        const procedures = await (await fetch(`${gateways[0].url}/procedures`)).json() as { fqn: string; version: string; workers: string[] }[];
        expect(procedures.find(procedure => procedure.fqn === 'stock/reserve')).toEqual({ fqn: 'stock/reserve', version: '0.0.0', workers: stock.map(worker => worker.url).sort() });
        expect(procedures.find(procedure => procedure.fqn === 'front/order')?.workers).toEqual([front.url]);
        expect(front.output()).toContain(`Connected to NATS at 127.0.0.1:${nats.port}`);
    });

    it('balances the calls of a procedure over the workers that serve it, from a gateway and from a worker', async () =>
    {
        const direct = new Map<string, number>();
        const viaFront = new Map<string, number>();
        for (let index = 0; index < 120; index++)
        {
            const answer = await call(`${gateways[index % 2].url}/rpc/stock/whereAmI`);
            expect(answer.status).toBe(200);
            direct.set(answer.body, (direct.get(answer.body) ?? 0) + 1);
            const chained = await post(`${gateways[index % 2].url}/rpc/front/askWhere`, {});
            expect(chained.status).toBe(200);
            viaFront.set(chained.body, (viaFront.get(chained.body) ?? 0) + 1);
        }
        // A queue group gives each request to one member at random: each of two gets far more than a fifth.
        for (const counts of [direct, viaFront])
        {
            expect([...counts.keys()].sort()).toEqual(['stock-1', 'stock-2']);
            for (const count of counts.values()) expect(count).toBeGreaterThan(24);
        }
    });

    it('passes classes and error classes between segments over NATS as over HTTP', async () =>
    {
        const summary = await post(`${gateways[0].url}/rpc/front/orderSummary`, { name: 'tea', quantity: 2 });
        expect(summary).toEqual({ status: 200, body: 'tea (3) x2 = 6 on 2026-11-21, code 18446744073709551616' });
        const refused = await post(`${gateways[1].url}/rpc/front/tryOrder`, { name: 'tea', quantity: 20 });
        expect(refused).toEqual({ status: 200, body: 'OutOfStock: Only 10 of tea left; available 10; status 400; BadRequest true' });
        // An error class thrown two hops away reaches an outside caller with its status and message ...
        expect(await post(`${gateways[0].url}/rpc/front/orderSummary`, { name: 'tea', quantity: 20 })).toEqual({ status: 400, body: 'Only 10 of tea left' });
        // Serialized calls get class instances in serialized form, as from the worker itself.
        const serialized = await post(`${gateways[1].url}/rpc/front/order`, { name: 'ink', price: { serialized: true, name: 'BigInt', value: '7' }, quantity: 3 }, { 'x-jitar-data-encoding': 'serialized' });
        expect(serialized.status).toBe(200);
        const reservation = JSON.parse(serialized.body) as { key: string; name: string; args: Record<string, unknown> };
        expect([reservation.key, reservation.name]).toEqual(['shared/Reservation', 'class']);
        expect(reservation.args[0]).toMatchObject({ key: 'shared/Item', name: 'class', args: { 0: 'ink', 1: { serialized: true, name: 'BigInt', value: '7' } } });
    });

    it('answers each request through NATS exactly as the worker answers it over HTTP', async () =>
    {
        const json = { 'content-type': 'application/json' };
        const requests: [string, RequestInit?][] = [
            ['/rpc/stock/echo?text=hi'],
            ['/rpc/stock/echo', { method: 'POST', headers: json, body: '{"text":"x"}' }],
            ['/rpc/stock/echo', { method: 'POST', headers: json, body: '{"text":' }],
            ['/rpc/stock/echo', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=form' }],
            ['/rpc/stock/echo', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'x' }],
            ['/rpc/stock/echo'],
            ['/rpc/stock/echo?text=a&other=b'],
            ['/rpc/stock/echo?text=a', { method: 'OPTIONS' }],
            ['/rpc/stock/echo?text=a&serialize=true'],
            ['/rpc/stock/echo?text=a', { headers: { 'x-jitar-procedure-version': 'one' } }],
            ['/rpc/stock/echo?text=a', { headers: { 'x-jitar-procedure-version': '2.0.0' } }],
            ['/rpc/stock/reserve', { method: 'POST', headers: { ...json, 'x-jitar-data-encoding': 'serialized' }, body: JSON.stringify({ item: { key: 'shared/Item', args: ['pen', { serialized: true, name: 'BigInt', value: '3' }] }, quantity: 11 }) }],
            ['/rpc/stock/reserve', { method: 'POST', headers: json, body: JSON.stringify({ item: { key: 'shared/Nope', args: [] }, quantity: 1 }) }],
            ['/rpc/stock/restock?item=pen'],
            ['/rpc/stock/restock?item=pen', { headers: { 'x-jitar-trust-key': TRUST_KEY } }],
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
            expect([request[0], await answer(gateways[0].url, request)]).toEqual([request[0], direct]);
        }
    });

    it('opens a protected procedure to callers with the trust key only: workers have it, outside callers must send it', async () =>
    {
        expect((await post(`${gateways[0].url}/rpc/stock/restock`, { item: 'tea' })).status).toBe(401);
        expect((await post(`${gateways[0].url}/rpc/stock/restock`, { item: 'tea' }, { 'x-jitar-trust-key': 'wrong' })).status).toBe(401);
        expect(await post(`${gateways[0].url}/rpc/stock/restock`, { item: 'tea' }, { 'x-jitar-trust-key': TRUST_KEY })).toEqual({ status: 200, body: 'restocked tea' });
        expect(await post(`${gateways[1].url}/rpc/front/restockVia`, { item: 'tea' })).toEqual({ status: 200, body: 'restocked tea' });
    });

    it('carries the headers that middleware relies on from the gateway through one worker to the next', async () =>
    {
        expect(await post(`${gateways[1].url}/rpc/front/askWho`, {}, { authorization: 'Bearer ann' })).toEqual({ status: 200, body: 'ann' });
        expect(await post(`${gateways[1].url}/rpc/front/askWho`, {})).toEqual({ status: 200, body: 'anonymous' });
    });

    it('selects the greatest version at or below the requested one among the versions workers serve, 404 below all, 503 when none is left', async () =>
    {
        const price = (version: string): Promise<{ status: number; body: string }> =>
            post(`${gateways[0].url}/rpc/pricing/price`, { item: 'tea' }, { 'x-jitar-procedure-version': version });
        const old = await startWorker('nats-worker-price-old.json', 'price-old');
        await waitForWorkers(gateways[0].url, [...workerUrls(), old.url]);
        expect(await price('2.0.0')).toEqual({ status: 200, body: 'tea: 10 (v1)' });

        const both = await startWorker('nats-worker-prices.json', 'prices');
        await waitForWorkers(gateways[0].url, [...workerUrls(), old.url, both.url]);
        expect(await price('2')).toEqual({ status: 200, body: 'tea: 12 (v2)' });
        expect(await price('3.1')).toEqual({ status: 200, body: 'tea: 12 (v2)' });
        expect(await price('1.9')).toEqual({ status: 200, body: 'tea: 10 (v1)' });
        const below = await price('0.5');
        expect(below.status).toBe(404);
        expect(below.body).toContain('it has versions 1.0.0, 2.0.0');
        expect(await price('one')).toEqual({ status: 400, body: expect.stringContaining("Invalid version number 'one' in the header 'x-jitar-procedure-version': use major.minor.patch") });

        await Promise.all([old.stop(), both.stop()]);
        await waitForWorkers(gateways[0].url, workerUrls());
        // The build lists it: nobody serves it now, which trying again may change.
        expect((await price('2.0.0')).status).toBe(503);
        expect((await call(`${gateways[0].url}/rpc/nothing/here`)).status).toBe(404);
        // A name no worker serves is offered the one the caller likely meant, as on an HTTP gateway.
        expect(await call(`${gateways[0].url}/rpc/stock/slw`)).toEqual({ status: 404, body: "Procedure 'stock/slw' not found; did you mean 'stock/slow'?" });
    });

    it('answers a call whose worker dies during it with a 504 within the request timeout, not a hang', async () =>
    {
        const slow = call(`${gateways[0].url}/rpc/stock/slow?ms=2500`);
        let running: JitarProcess | undefined;
        await waitUntil(() => (running = stock.find(worker => worker.output().includes('runs slow(2500)'))) !== undefined, 'a stock worker to run slow(2500)');
        const index = stock.indexOf(running!);
        running!.process.kill('SIGKILL');
        const answer = await slow;
        expect(answer.status).toBe(504);
        expect(answer.body).toContain('No answer over NATS');
        stock[index] = await startWorker('nats-worker-stock.json', `stock-${index + 1}`);
        for (const gateway of gateways) await waitForWorkers(gateway.url, workerUrls());
    });

    it('keeps serving through one gateway with no failure while the other is killed (kill -9) under load', async () =>
    {
        const doomed = await startGateway();
        const survivorUrl = `${gateways[1].url}/rpc/front/askWhere`;
        const load = steadyLoad([`${doomed.url}/rpc/front/askWhere`, survivorUrl], 4);
        await waitUntil(() => load.count() > 100, 'calls through both gateways');
        const killed = exitOf(doomed);
        doomed.process.kill('SIGKILL');
        const killedAt = await killed;
        await waitUntil(() => load.successesSince(killedAt) > 200, 'calls through the surviving gateway after the kill');
        const outcomes = await load.stop();
        const throughSurvivor = outcomes.filter(outcome => outcome.url === survivorUrl);
        expect(throughSurvivor.filter(outcome => outcome.start > killedAt).length).toBeGreaterThan(200);
        expect(throughSurvivor.filter(outcome => outcome.status !== 200)).toEqual([]);
        // The killed one served until it died; nothing after.
        const throughDoomed = outcomes.filter(outcome => outcome.url !== survivorUrl);
        expect(throughDoomed.some(outcome => outcome.status === 200)).toBe(true);
        expect(throughDoomed.filter(outcome => outcome.start > killedAt).every(outcome => outcome.status === 0)).toBe(true);
    });

    it('limits failures to the calls in flight when a worker is killed (kill -9) under load, and serves them all again within a second', async () =>
    {
        const load = steadyLoad([`${gateways[0].url}/rpc/stock/whereAmI`, `${gateways[1].url}/rpc/front/askWhere`], 4);
        await waitUntil(() => load.count() > 100, 'calls before the kill');
        const victim = stock[1];
        const killed = exitOf(victim);
        victim.process.kill('SIGKILL');
        const killedAt = await killed;
        await waitUntil(() => load.successesSince(killedAt + 1000) > 200, 'calls a second after the kill');
        const outcomes = await load.stop();
        const failures = outcomes.filter(outcome => outcome.status !== 200);
        // Each failure was on its way when the worker died: a 5xx, never a hang past the request timeout.
        for (const failure of failures)
        {
            expect(failure.start).toBeLessThanOrEqual(killedAt + 1000);
            expect(failure.status).toBeGreaterThanOrEqual(500);
        }
        expect(outcomes.filter(outcome => outcome.start > killedAt + 1000).every(outcome => outcome.status === 200 && outcome.body !== 'stock-2')).toBe(true);
        stock[1] = await startWorker('nats-worker-stock.json', 'stock-2');
        for (const gateway of gateways) await waitForWorkers(gateway.url, workerUrls());
    });

    it('restarts every worker one after the other under load without a failed call (each drains before it stops)', async () =>
    {
        const load = steadyLoad([`${gateways[0].url}/rpc/stock/whereAmI`, `${gateways[1].url}/rpc/front/askWhere`, `${gateways[0].url}/rpc/front/chain?text=hi`], 3);
        await waitUntil(() => load.count() > 100, 'calls before the restarts');
        const replace = async (old: JitarProcess, service: string, name: string): Promise<JitarProcess> =>
        {
            const replacement = await startWorker(service, name);
            for (const gateway of gateways) await waitUntil(async () => (await workersOf(gateway.url)).some(worker => worker.url === replacement.url), `${gateway.url} to list ${name}`);
            const before = load.count();
            expect(await old.stop()).toBe(0);
            await waitUntil(() => load.count() > before + 50, `calls after ${name} took over`);
            return replacement;
        };
        front = await replace(front, 'nats-worker-front.json', 'front-2');
        stock[0] = await replace(stock[0], 'nats-worker-stock.json', 'stock-3');
        stock[1] = await replace(stock[1], 'nats-worker-stock.json', 'stock-4');
        const outcomes = await load.stop();
        expect(outcomes.filter(outcome => outcome.status !== 200)).toEqual([]);
        expect(new Set(outcomes.filter(outcome => outcome.body.startsWith('stock-')).map(outcome => outcome.body))).toEqual(new Set(['stock-1', 'stock-2', 'stock-3', 'stock-4']));
        for (const gateway of gateways) await waitForWorkers(gateway.url, workerUrls());
    });

    it('fails calls only while the NATS server is down, and serves again once the clients have reconnected', async () =>
    {
        const load = steadyLoad([`${gateways[0].url}/rpc/stock/whereAmI`, `${gateways[1].url}/rpc/front/askWhere`], 2);
        await waitUntil(() => load.count() > 50, 'calls before the NATS server stops');
        // The outage starts as the stop is sent: clients see the connection break before stop() has seen the process exit.
        const downAt = Date.now();
        await nats.stop(true);
        // While it is down, the gateways answer at once that they cannot reach NATS.
        await waitUntil(async () => (await call(`${gateways[0].url}/rpc/stock/whereAmI`)).status === 503, 'a 503 while NATS is down');
        await nats.restart();
        let backAt = 0;
        await waitUntil(async () =>
        {
            const answers = await Promise.all([call(`${gateways[0].url}/rpc/stock/whereAmI`), call(`${gateways[1].url}/rpc/front/askWhere`)]);
            if (answers.some(answer => answer.status !== 200)) return false;
            backAt = Date.now();
            return true;
        }, 'calls through both gateways to work again');
        await waitUntil(() => load.successesSince(backAt) > 200, 'calls after the reconnection');
        const outcomes = await load.stop();
        expect(outcomes.filter(outcome => outcome.status !== 200 && (outcome.end < downAt || outcome.start > backAt))).toEqual([]);
        // 503 for calls made while it is down, 502 for those on their way when it went (they may have run),
        // 504 for one whose answer was lost before the client saw the connection go.
        expect(outcomes.filter(outcome => outcome.status !== 200).every(outcome => [502, 503, 504].includes(outcome.status))).toBe(true);
        expect(gateways[0].output()).toContain('Reconnected to NATS');
    });
});

describe('the nats key of a service file', () =>
{
    let app: ReturnType<typeof prepareApp>;

    beforeAll(() => { app = prepareApp('minimal'); });
    afterAll(() => app?.remove());

    const write = async (name: string, content: unknown): Promise<string> =>
    {
        const { writeFileSync } = await import('node:fs');
        const { join } = await import('node:path');
        writeFileSync(join(app.root, name), JSON.stringify(content));
        return name;
    };

    it('refuses unknown sub-keys, a missing or invalid server, and a worker with both a gateway and NATS, naming the key', async () =>
    {
        const cases: [unknown, string][] = [
            [{ url: 'http://127.0.0.1:3999', gateway: { nats: { servers: 'nats://127.0.0.1:4222', queue: 'x' } } }, "unknown key 'queue' in 'gateway.nats'"],
            [{ url: 'http://127.0.0.1:3999', gateway: { nats: {} } }, "missing required key 'servers' in 'gateway.nats'"],
            [{ url: 'http://127.0.0.1:3999', gateway: { nats: { servers: 'http://127.0.0.1:4222' } } }, 'only nats:// and tls:// servers are supported'],
            [{ url: 'http://127.0.0.1:3999', gateway: { nats: { servers: 'nats://127.0.0.1:4222', prefix: 'a.b' } } }, "'gateway.nats.prefix' must be one subject token"],
            [{ url: 'http://127.0.0.1:3999', worker: { segments: [], gateway: 'http://127.0.0.1:3000', nats: { servers: 'nats://127.0.0.1:4222' } } }, "'worker' has both 'gateway' and 'nats'"]
        ];
        for (const [index, [content, message]] of cases.entries())
        {
            const file = await write(`nats-bad-${index}.json`, content);
            const result = await failingStart(app.root, file);
            expect(result.code).not.toBe(0);
            expect(result.output).toContain(message);
        }
    });

    it('stops with a clear error when no NATS server answers at the address', async () =>
    {
        const file = await write('nats-nowhere.json', { url: 'http://127.0.0.1:3999', gateway: { nats: { servers: 'nats://127.0.0.1:1' } } });
        const result = await failingStart(app.root, file);
        expect(result.code).not.toBe(0);
        expect(result.output).toContain('Could not connect to the NATS servers nats://127.0.0.1:1');
    });
});
