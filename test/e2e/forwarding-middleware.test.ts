import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { failingStart, freePort, prepareApp, startJitar, type JitarProcess } from './jitar-app.js';

/**
 * Middleware on the processes that forward RPC requests, over real processes on 127.0.0.1 (fixture app
 * `forwarding`): a gateway with middleware (gatekeeper, rewriter) and its worker, a gateway without
 * middleware and its worker, a proxy without middleware in front of the first gateway (it talks to the
 * gateway over a channel), and a proxy with CORS and an API-key guard in front of the second one.
 */

jest.setTimeout(90_000);

interface Answer { status: number; headers: Headers; body: string }

async function call(url: string, init?: RequestInit): Promise<Answer>
{
    const response = await fetch(url, init);
    return { status: response.status, headers: response.headers, body: await response.text() };
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const bearer = (user: string): Record<string, string> => ({ authorization: `Bearer ${user}` });

/** Waits until the gateway lists `count` available workers. */
async function waitForWorkers(gateway: string, count: number): Promise<void>
{
    const deadline = Date.now() + 20_000;
    for (;;)
    {
        const workers = await fetch(`${gateway}/workers`).then(response => response.json() as Promise<{ state: string }[]>).catch(() => []);
        if (workers.filter(worker => worker.state === 'available').length === count) return;
        if (Date.now() > deadline) throw new Error(`the gateway lists ${JSON.stringify(workers)}, not ${count} available workers`);
        await new Promise(resolve => setTimeout(resolve, 50));
    }
}

let app: ReturnType<typeof prepareApp>;
const started: JitarProcess[] = [];
/** Gateway with middleware, its worker, and a proxy without middleware in front of it. */
let guarded: JitarProcess;
let guardedWorker: JitarProcess;
let channelProxy: JitarProcess;
/** Gateway without middleware, its worker, and a proxy with CORS and an API-key guard in front of it. */
let plain: JitarProcess;
let plainWorker: JitarProcess;
let corsProxy: JitarProcess;

const start = async (service: string, env: Record<string, string> = {}): Promise<JitarProcess> =>
{
    const process = await startJitar(app.root, service, env);
    started.push(process);
    return process;
};

/** How many calls of greet/count reached a worker (asked of the worker itself, past any middleware of a gateway). */
const countedOn = async (worker: JitarProcess): Promise<string> => (await call(`${worker.url}/rpc/greet/counted`)).body;

beforeAll(async () =>
{
    app = prepareApp('forwarding');
    const guardedPort = await freePort();
    const plainPort = await freePort();
    guarded = await start('services/gateway-guarded.json', { PORT: String(guardedPort) });
    plain = await start('services/gateway.json', { PORT: String(plainPort) });
    guardedWorker = await start('services/worker.json', { GATEWAY: guarded.url });
    plainWorker = await start('services/worker.json', { GATEWAY: plain.url });
    channelProxy = await start('services/proxy.json', { GATEWAY: guarded.url });
    corsProxy = await start('services/proxy-guarded.json', { GATEWAY: plain.url });
    await Promise.all([waitForWorkers(guarded.url, 1), waitForWorkers(plain.url, 1)]);
});

afterAll(async () =>
{
    await Promise.all(started.map(process => process.stop()));
    app?.remove();
});

describe('a gateway without middleware', () =>
{
    it('forwards requests and answers untouched: the worker answers through it exactly as it answers directly', async () =>
    {
        const requests: [string, RequestInit?][] = [
            ['/rpc/greet/hello?name=ann'],
            ['/rpc/greet/hello?name=ann', { headers: { 'x-user': 'bob', authorization: 'Bearer bob' } }],
            ['/rpc/greet/hello', json({ name: 'ann' }, { 'x-user': 'carl' })],
            ['/rpc/greet/hello', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=form' }],
            ['/rpc/greet/hello', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' }],
            ['/rpc/greet/tally', json({ items: ['a', 'b'] })],
            ['/rpc/greet/tally?serialize=true', json({ items: ['a'] })],
            ['/rpc/greet/hello?name=ann', { method: 'OPTIONS' }],
            ['/rpc/greet/hello', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } }]
        ];
        const answer = async (origin: string, [path, init]: [string, RequestInit?]): Promise<unknown[]> =>
        {
            const { status, headers, body } = await call(`${origin}${path}`, init);
            return [status, headers.get('content-type'), headers.get('x-jitar-content-type'), headers.get('x-worker-saw-authorization'), headers.get('x-gateway-user'), body];
        };
        for (const request of requests)
        {
            const direct = await answer(plainWorker.url, request);
            expect([request[0], await answer(plain.url, request)]).toEqual([request[0], direct]);
        }
        // Nothing of the other gateway's middleware: the header a caller sends reaches the procedure as it is.
        expect((await call(`${plain.url}/rpc/greet/whoIsThere`, { headers: { 'x-user': 'dora' } })).body).toBe('dora');
    });
});

describe('middleware on a gateway', () =>
{
    it('rejects by throwing or by answering without next(): the client gets the status, no worker runs the procedure', async () =>
    {
        const before = await countedOn(guardedWorker);
        const refused = await call(`${guarded.url}/rpc/greet/count`);
        expect([refused.status, refused.headers.get('content-type'), refused.body]).toEqual([401, 'text/plain; charset=utf-8', 'A bearer token is required']);
        const banned = await call(`${guarded.url}/rpc/greet/count`, { headers: bearer('mallory') });
        expect([banned.status, banned.body]).toEqual([403, 'mallory is banned']);
        expect(await countedOn(guardedWorker)).toBe(before);

        const admitted = await call(`${guarded.url}/rpc/greet/count`, { headers: bearer('alice') });
        expect([admitted.status, admitted.body]).toEqual([200, String(Number(before) + 1)]);
        expect(await countedOn(guardedWorker)).toBe(String(Number(before) + 1));
    });

    it('sets a header that reaches the worker\'s middleware and the procedure, and removes one that then never arrives', async () =>
    {
        const answer = await call(`${guarded.url}/rpc/greet/whoIsThere`, { headers: bearer('alice') });
        expect([answer.status, answer.body]).toEqual([200, 'alice']);
        expect(answer.headers.get('x-worker-saw-authorization')).toBe('none');
        expect(answer.headers.get('x-gateway-user')).toBe('alice');
        // The worker itself, asked directly, sees what it is sent.
        expect((await call(`${guardedWorker.url}/rpc/greet/whoIsThere`, { headers: { 'x-user': 'bob', ...bearer('bob') } })).headers.get('x-worker-saw-authorization')).toBe('Bearer bob');
    });

    it('reads and changes arguments, whichever way they came, and reads and changes results and statuses', async () =>
    {
        const expected = [200, 'alice greets friend', '19'];
        const greeting = (answer: Answer): unknown[] => [answer.status, answer.body, answer.headers.get('x-result-length')];
        expect(greeting(await call(`${guarded.url}/rpc/greet/hello?name=stranger`, { headers: bearer('alice') }))).toEqual(expected);
        expect(greeting(await call(`${guarded.url}/rpc/greet/hello`, json({ name: 'stranger' }, bearer('alice'))))).toEqual(expected);
        expect(greeting(await call(`${guarded.url}/rpc/greet/hello`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...bearer('alice') }, body: 'name=stranger' }))).toEqual(expected);
        // Arguments middleware leaves alone go on as they came.
        expect(greeting(await call(`${guarded.url}/rpc/greet/hello?name=ann`, { headers: bearer('alice') }))).toEqual([200, 'alice greets ann', '16']);

        const tally = await call(`${guarded.url}/rpc/greet/tally`, json({ items: ['a'] }, bearer('alice')));
        expect([tally.status, tally.headers.get('x-jitar-content-type'), JSON.parse(tally.body)]).toEqual([200, 'application/json', { items: ['a', 'extra'], total: 2, checked: true }]);

        const gone = await call(`${guarded.url}/rpc/greet/nothing`, { headers: bearer('alice') });
        expect([gone.status, gone.headers.get('x-gone'), gone.headers.get('x-gateway-user'), gone.body]).toEqual([410, 'yes', 'alice', 'Procedure \'greet/nothing\' not found']);
    });

    it('answers a body that middleware cannot read as the worker would', async () =>
    {
        const broken: RequestInit = { method: 'POST', headers: { 'content-type': 'application/json', ...bearer('alice') }, body: '{"name":' };
        const direct = await call(`${guardedWorker.url}/rpc/greet/hello`, broken);
        const through = await call(`${guarded.url}/rpc/greet/hello`, broken);
        expect([through.status, through.body]).toEqual([direct.status, direct.body]);
        expect(through.status).toBe(400);
        const unsupported = await call(`${guarded.url}/rpc/greet/hello`, { method: 'POST', headers: { 'content-type': 'text/csv', ...bearer('alice') }, body: 'x' });
        expect(unsupported.status).toBe(415);
    });

    it('answers its errors serialized to a caller that reads serialized answers', async () =>
    {
        const refused = await call(`${guarded.url}/rpc/greet/count`, { headers: { 'x-jitar-data-encoding': 'serialized' } });
        expect([refused.status, refused.headers.get('x-jitar-content-type'), JSON.parse(refused.body)])
            .toEqual([401, 'application/json', expect.objectContaining({ serialized: true, name: 'Error', type: 'Unauthorized', message: 'A bearer token is required' })]);
        const banned = await call(`${guarded.url}/rpc/greet/count?serialize=true`, { headers: bearer('mallory') });
        expect([banned.status, banned.headers.get('x-jitar-content-type'), JSON.parse(banned.body)])
            .toEqual([403, 'application/json', expect.objectContaining({ serialized: true, type: 'Forbidden', message: 'mallory is banned' })]);
    });
});

describe('a proxy in front of a gateway with middleware, over its channel to the gateway', () =>
{
    it('gets the same answers as the gateway gives over HTTP', async () =>
    {
        const before = await countedOn(guardedWorker);
        const requests: [string, RequestInit?][] = [
            ['/rpc/greet/count'],
            ['/rpc/greet/count', { headers: bearer('mallory') }],
            ['/rpc/greet/count', { headers: { 'x-jitar-data-encoding': 'serialized' } }],
            ['/rpc/greet/whoIsThere', { headers: bearer('alice') }],
            ['/rpc/greet/hello?name=stranger', { headers: bearer('alice') }],
            ['/rpc/greet/hello', json({ name: 'stranger' }, bearer('alice'))],
            ['/rpc/greet/tally', json({ items: ['b'] }, bearer('alice'))],
            ['/rpc/greet/nothing', { headers: bearer('alice') }],
            ['/rpc/greet/hello', { method: 'POST', headers: { 'content-type': 'application/json', ...bearer('alice') }, body: '{"name":' }]
        ];
        const answer = async (origin: string, [path, init]: [string, RequestInit?]): Promise<unknown[]> =>
        {
            const { status, headers, body } = await call(`${origin}${path}`, init);
            return [status, headers.get('x-jitar-content-type'), headers.get('x-gateway-user'), headers.get('x-worker-saw-authorization'), headers.get('x-gone'), body];
        };
        for (const request of requests)
        {
            const direct = await answer(guarded.url, request);
            expect([request[0], await answer(channelProxy.url, request)]).toEqual([request[0], direct]);
        }
        expect(await countedOn(guardedWorker)).toBe(before);
        expect(guarded.output()).toMatch(/Channel from 127\.0\.0\.1:\d+ opened/);
    });
});

describe('middleware on a proxy', () =>
{
    const key = { 'x-api-key': 'open-sesame' };
    const origin = { origin: 'https://app.example' };

    it('rejects: the client gets the status and the request goes no further', async () =>
    {
        const before = await countedOn(plainWorker);
        const refused = await call(`${corsProxy.url}/rpc/greet/count`, { headers: origin });
        expect([refused.status, refused.body]).toEqual([401, 'Wrong API key']);
        const serialized = await call(`${corsProxy.url}/rpc/greet/count`, { headers: { 'x-jitar-data-encoding': 'serialized' } });
        expect([serialized.status, JSON.parse(serialized.body)]).toEqual([401, expect.objectContaining({ type: 'Unauthorized', message: 'Wrong API key' })]);
        expect(await countedOn(plainWorker)).toBe(before);
        expect((await call(`${corsProxy.url}/rpc/greet/count`, { headers: key })).body).toBe(String(Number(before) + 1));
    });

    it('answers a CORS preflight with 2xx and the CORS headers, as a worker with CorsMiddleware does', async () =>
    {
        const preflight = await call(`${corsProxy.url}/rpc/greet/hello`, {
            method: 'OPTIONS',
            headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key, content-type' }
        });
        expect(preflight.status).toBe(204);
        expect([
            preflight.headers.get('access-control-allow-origin'), preflight.headers.get('access-control-allow-methods'),
            preflight.headers.get('access-control-allow-headers'), preflight.headers.get('vary')
        ]).toEqual(['https://app.example', 'GET, POST', 'authorization, x-api-key', 'Origin']);
        // The worker behind it has no CorsMiddleware: the headers are the proxy's.
        const direct = await call(`${plainWorker.url}/rpc/greet/hello`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST' } });
        expect([direct.status, direct.headers.get('access-control-allow-origin')]).toEqual([204, null]);
    });

    it('adds the CORS headers to GET and POST answers, failures from behind it included', async () =>
    {
        const get = await call(`${corsProxy.url}/rpc/greet/hello?name=ann`, { headers: { ...origin, ...key } });
        expect([get.status, get.body, get.headers.get('access-control-allow-origin')]).toEqual([200, 'nobody greets ann', 'https://app.example']);
        const post = await call(`${corsProxy.url}/rpc/greet/hello`, json({ name: 'ann' }, { ...origin, ...key, 'x-user': 'eve' }));
        expect([post.status, post.body, post.headers.get('access-control-allow-origin')]).toEqual([200, 'eve greets ann', 'https://app.example']);
        const missing = await call(`${corsProxy.url}/rpc/greet/nothing`, { headers: { ...origin, ...key } });
        expect([missing.status, missing.body, missing.headers.get('access-control-allow-origin')]).toEqual([404, 'Procedure \'greet/nothing\' not found', 'https://app.example']);
    });
});

describe('a service file with a key its kind does not use', () =>
{
    it('stops the start with a message naming the file and the key', async () =>
    {
        const { code, output } = await failingStart(app.root, 'services/repository-with-middleware.json', { PORT: String(await freePort()) });
        expect(code).not.toBe(0);
        expect(output).toContain('services/repository-with-middleware.json: \'middleware\' is not used by a repository service; it serves no RPC requests for middleware to run around, so remove the key');
    });
});
