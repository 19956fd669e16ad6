import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { failingStart, prepareApp, startJitar, waitUntil, type JitarProcess } from './jitar-app.js';

/**
 * The RPC API of the seed's page, over real HTTP against `jitar start` on the rpc fixture app. The seed's
 * examples share the FQN domain/sayHello; the app serves them as versions 0, 2, 3, 4 and 5 of it.
 */
let app: { root: string; remove(): void };
let jitar: JitarProcess;

beforeAll(async () =>
{
    app = prepareApp('rpc');
    jitar = await startJitar(app.root, 'services/standalone.json', { TRUST_KEY: 'sesame', LIFECYCLE_FILE: join(app.root, 'lifecycle.log') });
});

afterAll(async () =>
{
    await jitar.stop();
    app.remove();
});

interface Answer
{
    status: number;
    body: string;
    headers: Headers;
}

async function request(path: string, init: RequestInit & { version?: string } = {}): Promise<Answer>
{
    const headers = new Headers(init.headers);
    if (init.version !== undefined) headers.set('x-jitar-procedure-version', init.version);
    const response = await fetch(`${jitar.url}${path}`, { ...init, headers, redirect: 'manual' });
    return { status: response.status, body: await response.text(), headers: response.headers };
}

const post = (path: string, body: unknown, init: RequestInit & { version?: string } = {}): Promise<Answer> =>
    request(path, { ...init, method: 'POST', headers: { 'content-type': 'application/json', ...init.headers as Record<string, string> }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/**
 * A POST whose content-length announces more than the body limit, of which only the start is sent: the
 * server answers from the length alone, and a client still writing the rest would race its answer (EPIPE).
 */
function oversizedPost(path: string, size: number): Promise<Answer>
{
    return new Promise((resolve, reject) =>
    {
        const socket = connect(Number(new URL(jitar.url).port), '127.0.0.1');
        let received = Buffer.alloc(0);
        socket.on('connect', () => socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n{"first": 1, "padding": "xxxx`));
        socket.on('data', (chunk: Buffer) =>
        {
            received = Buffer.concat([received, chunk]);
            const text = received.toString('latin1');
            const end = text.indexOf('\r\n\r\n');
            if (end < 0) return;
            const head = text.slice(0, end).split('\r\n');
            const headers = new Headers(head.slice(1).map(line => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [string, string]));
            const length = Number(headers.get('content-length') ?? 0);
            if (received.length < end + 4 + length) return;
            socket.destroy();
            resolve({ status: Number(head[0].split(' ')[1]), body: received.subarray(end + 4, end + 4 + length).toString('utf8'), headers });
        });
        socket.on('error', reject);
    });
}

const PERSON = { serialized: true, name: 'Person', source: 'domain/Person.js', args: ['John', 42], fields: {} };

describe('the seed\'s example requests', () =>
{
    test('GET with the arguments in the query string', async () =>
    {
        expect(await request('/rpc/domain/sayHello?name=John')).toMatchObject({ status: 200, body: 'Hello, John!' });
    });

    test('POST with a JSON body', async () =>
    {
        expect(await post('/rpc/domain/sayHello', { name: 'John' })).toMatchObject({ status: 200, body: 'Hello, John!' });
    });

    test('an optional parameter takes its default when absent', async () =>
    {
        expect(await request('/rpc/domain/sayHello', { version: '2.0.0' })).toMatchObject({ status: 200, body: 'Hello, World!' });
    });

    test('destructured parameters are sent flat', async () =>
    {
        expect(await request('/rpc/domain/sayHello?name=John&city=Rome', { version: '3.0.0' })).toMatchObject({ status: 200, body: 'Hello, John from Rome!' });
    });

    test('a rest parameter is sent as ...names and spread into the call', async () =>
    {
        expect(await post('/rpc/domain/sayHello', { '...names': ['John', 'Jane'] }, { version: '4.0.0' })).toMatchObject({ status: 200, body: 'Hello, John, Jane!' });
    });

    test('a class parameter in serialized form, with ?serialize=true', async () =>
    {
        expect(await post('/rpc/domain/sayHello?serialize=true', { person: PERSON }, { version: '5.0.0' })).toMatchObject({ status: 200, body: 'Hello, John!' });
    });

    test('a class parameter in the newer serialized form, with the encoding header', async () =>
    {
        const person = { serialized: true, key: 'domain/Person', name: 'class', args: { 0: 'Jane', 1: 30 }, fields: {} };
        expect(await post('/rpc/domain/sayHello', { person }, { version: '5.0.0', headers: { 'x-jitar-data-encoding': 'serialized' } })).toMatchObject({ status: 200, body: 'Hello, Jane!' });
    });

    test('a class result without the serializer is an empty object', async () =>
    {
        expect(await request('/rpc/person/getPerson?serialize=false')).toMatchObject({ status: 200, body: '{}' });
    });

    test('a class result with the serializer describes the instance, in the form its caller reads', async () =>
    {
        // ?serialize=true is the seed's RPC page: the seed's form; the encoding header is the reference's clients: theirs.
        const answer = await request('/rpc/person/getPerson?serialize=true');
        expect(JSON.parse(answer.body)).toEqual(PERSON);
        const reference = await request('/rpc/person/getPerson', { headers: { 'x-jitar-data-encoding': 'serialized' } });
        expect(JSON.parse(reference.body)).toEqual({ serialized: true, key: 'domain/Person', name: 'class', args: { 0: 'John', 1: 42 }, fields: {} });
    });

    test('a NotFound subclass thrown by the procedure gives 404 and its message', async () =>
    {
        expect(await request('/rpc/person/getPerson?id=nobody')).toMatchObject({ status: 404, body: 'Person not found for id nobody' });
    });

    test('CORS headers from the seed\'s CorsMiddleware', async () =>
    {
        const { headers } = await request('/rpc/domain/sayHello?name=John');
        expect([headers.get('access-control-allow-origin'), headers.get('access-control-allow-headers'), headers.get('access-control-allow-methods')])
            .toEqual(['https://example.com', 'X-Custom-Header-1, X-Custom-Header-2', 'GET, POST']);
    });

    test('a CORS preflight is answered with the CORS headers', async () =>
    {
        const answer = await request('/rpc/domain/sayHello', { method: 'OPTIONS', headers: { 'access-control-request-method': 'POST', origin: 'https://example.com' } });
        expect([answer.status, answer.headers.get('access-control-allow-origin')]).toEqual([204, 'https://example.com']);
    });
});

describe('results', () =>
{
    test.each([
        ['/rpc/domain/sayHello?name=A', 'text/plain; charset=utf-8', 'text/plain', 'Hello, A!'],
        ['/rpc/math/add?first=1&second=2', 'text/plain; charset=utf-8', 'application/number', '3'],
        ['/rpc/types/isTrue', 'text/plain; charset=utf-8', 'application/boolean', 'true'],
        ['/rpc/types/nothing', 'text/plain; charset=utf-8', 'application/undefined', ''],
        ['/rpc/types/nullish', 'text/plain; charset=utf-8', 'application/null', '']
    ])('%s answers %s as %s', async (path, contentType, jitarType, body) =>
    {
        const answer = await request(path);
        expect([answer.headers.get('content-type'), answer.headers.get('x-jitar-content-type'), answer.body]).toEqual([contentType, jitarType, body]);
    });

    test('an object answers JSON', async () =>
    {
        const order = { id: 1, lines: [{ product: 'tea', quantity: 2 }] };
        const answer = await post('/rpc/types/echoOrder', { order });
        expect([answer.headers.get('x-jitar-content-type'), JSON.parse(answer.body)]).toEqual(['application/json', order]);
    });

    test('a BigInt in an unserialized answer is a string, not a crash', async () =>
    {
        expect(await request('/rpc/types/bigNumber')).toMatchObject({ status: 200, body: '{"value":"12345678901234567890"}' });
    });

    test('built-ins travel both ways in serialized form', async () =>
    {
        const args = {
            when: { serialized: true, name: 'Date', value: '2024-05-06T07:08:09.000Z' },
            counts: { serialized: true, name: 'Map', entries: { keys: ['a'], values: [1] } },
            big: { serialized: true, name: 'BigInt', value: '99' },
            tags: { serialized: true, name: 'Set', values: ['x'] }
        };
        const answer = await post('/rpc/types/echoBuiltins?serialize=true', args);
        expect([answer.status, JSON.parse(answer.body)]).toEqual([200, args]);
    });
});

describe('query strings are coerced to the declared types', () =>
{
    test('numbers are added, not concatenated', async () =>
    {
        expect((await request('/rpc/math/add?first=1&second=2')).body).toBe('3');
    });

    test('booleans, numbers, a repeated key as an array, a literal union', async () =>
    {
        expect((await request('/rpc/math/describe?flag=true&count=7&tags=a&tags=b&mode=slow')).body).toBe('true/7/a+b/slow');
    });

    test('a single value for an array parameter becomes an array', async () =>
    {
        expect((await request('/rpc/math/describe?flag=false&count=0&tags=solo')).body).toBe('false/0/solo/fast');
    });

    test('bigint and Date parameters are read from text, in query strings and plain JSON bodies alike', async () =>
    {
        expect(await request('/rpc/types/schedule?at=2026-11-21T10:00:00Z&amount=9007199254740993')).toMatchObject({ status: 200, body: '2026-11-21T10:00:00.000Z 18014398509481986 open' });
        expect(await post('/rpc/types/schedule', { at: '2026-11-21', amount: '5', until: '2027-01-01T00:00:00+01:00' })).toMatchObject({ status: 200, body: '2026-11-21T00:00:00.000Z 10 2026' });
        expect(await post('/rpc/types/schedule', { at: '2026-11-21', amount: 7 })).toMatchObject({ status: 200, body: '2026-11-21T00:00:00.000Z 14 open' });
        expect(await request('/rpc/types/schedule?at=2026-11-21&amount=1.5')).toMatchObject({ status: 400, body: 'Invalid value for parameter \'amount\': must be a bigint' });
        expect(await post('/rpc/types/schedule', { at: 'yesterday', amount: 1 })).toMatchObject({ status: 400, body: 'Invalid value for parameter \'at\': must be a Date' });
        expect(await post('/rpc/types/schedule', { at: '2026-13-45', amount: 1 }))
            .toMatchObject({ status: 400, body: 'Invalid value for parameter \'at\': "2026-13-45" is not a valid date (ISO 8601, such as 2024-02-29 or 2024-02-29T12:30:00Z)' });
        // Serialized calls carry the real values: text is not converted there.
        const serialized = await post('/rpc/types/schedule?serialize=true', { at: '2026-11-21', amount: 1 });
        expect(serialized.status).toBe(400);
        expect(JSON.parse(serialized.body)).toEqual({ serialized: true, name: 'Error', type: 'BadRequest', message: 'Invalid value for parameter \'at\': must be a Date' });
    });

    test('form bodies are coerced too', async () =>
    {
        const answer = await request('/rpc/math/add', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'first=4&second=5' });
        expect(answer.body).toBe('9');
    });
});

describe('versions', () =>
{
    test('the exact version', async () =>
    {
        expect((await request('/rpc/domain/sayHello', { version: '2.0.0' })).body).toBe('Hello, World!');
    });

    test('the greatest version below the requested one', async () =>
    {
        expect((await request('/rpc/domain/sayHello?name=John&city=Rome', { version: '3.9' })).body).toBe('Hello, John from Rome!');
    });

    test('an invalid version header is 400', async () =>
    {
        expect(await request('/rpc/domain/sayHello?name=A', { version: 'v1' })).toMatchObject({ status: 400, body: "Invalid version number 'v1' in the header 'x-jitar-procedure-version': use major.minor.patch, like 1.0.0 (1 and 1.2 are read as 1.0.0 and 1.2.0)" });
    });
});

describe('access', () =>
{
    test('a protected procedure without the trust key is 401', async () =>
    {
        expect(await request('/rpc/secure/secret')).toMatchObject({ status: 401, body: 'Request not trusted' });
    });

    test('a protected procedure with the trust key runs', async () =>
    {
        expect(await request('/rpc/secure/secret', { headers: { 'x-jitar-trust-key': 'sesame' } })).toMatchObject({ status: 200, body: 'the secret' });
    });

    test('a private procedure is not found', async () =>
    {
        expect(await request('/rpc/internal/hidden')).toMatchObject({ status: 404, body: "Procedure 'internal/hidden' not found" });
    });

    test('an unknown procedure is not found', async () =>
    {
        expect(await request('/rpc/no/such/thing')).toMatchObject({ status: 404, body: "Procedure 'no/such/thing' not found" });
    });
});

describe('errors and their status codes', () =>
{
    test.each([
        ['BadRequest', 400], ['Unauthorized', 401], ['PaymentRequired', 402], ['Forbidden', 403], ['NotFound', 404], ['Teapot', 418], ['NotImplemented', 501], ['plain', 500]
    ])('%s gives %i with its message', async (kind, status) =>
    {
        const answer = await request(`/rpc/errors/fail?kind=${kind}`);
        expect([answer.status, answer.body]).toEqual([status, kind === 'plain' ? 'Something broke' : `${kind} happened`]);
    });
});

describe('middleware', () =>
{
    test('a *name argument set by middleware reaches a parameter of that name', async () =>
    {
        expect((await request('/rpc/types/whoAmI', { headers: { authorization: 'Bearer ann' } })).body).toBe('ann');
    });

    test('a *name argument overrides what the caller sent', async () =>
    {
        expect((await request('/rpc/types/whoAmI?user=mallory', { headers: { authorization: 'Bearer ann' } })).body).toBe('ann');
    });

    test('a *name argument sent by the caller is refused: only middleware sets one', async () =>
    {
        const refused = [400, "Argument '*user' is refused: names starting with '*' are set by middleware only"];
        expect(await request('/rpc/types/whoAmI?%2Auser=mallory')).toMatchObject({ status: refused[0], body: refused[1] });
        expect(await post('/rpc/types/whoAmI', { '*user': 'mallory' })).toMatchObject({ status: refused[0], body: refused[1] });
        expect(await post('/rpc/types/whoAmI', { '*user': 'mallory' }, { headers: { authorization: 'Bearer ann' } })).toMatchObject({ status: refused[0], body: refused[1] });
    });

    test('a *name argument vanishes for procedures without that parameter', async () =>
    {
        expect(await request('/rpc/domain/sayHello?name=A', { headers: { authorization: 'Bearer ann' } })).toMatchObject({ status: 200, body: 'Hello, A!' });
    });

    test('middleware sets response headers', async () =>
    {
        expect((await request('/rpc/domain/sayHello?name=A')).headers.get('x-handled-by')).toBe('auth');
    });

    test('a location header set by middleware makes a 302 redirect', async () =>
    {
        const answer = await request('/rpc/internal/moved');
        expect([answer.status, answer.headers.get('location')]).toEqual([302, 'https://example.com/moved']);
    });
});

describe('the OPTIONS dry run', () =>
{
    test('valid arguments: 200, and nothing runs', async () =>
    {
        expect(await request('/rpc/math/add?first=1&second=2', { method: 'OPTIONS' })).toMatchObject({ status: 200, body: '' });
    });

    test('invalid arguments: 400 with the reason', async () =>
    {
        expect(await request('/rpc/math/add?first=1', { method: 'OPTIONS' })).toMatchObject({ status: 400, body: "Missing value for parameter 'second'" });
    });
});

describe('health', () =>
{
    test('/health maps each check to its answer', async () =>
    {
        expect(JSON.parse((await request('/health')).body)).toEqual({ database: true });
    });

    test('/health/status is true when every check is', async () =>
    {
        expect((await request('/health/status')).body).toBe('true');
    });
});

describe('assets', () =>
{
    test('/ serves the index file', async () =>
    {
        expect((await request('/')).body).toContain('<p>index</p>');
    });

    test('a whitelisted file is served with its type', async () =>
    {
        const answer = await request('/assets/app.js');
        expect([answer.status, answer.headers.get('content-type')?.split(';')[0]]).toEqual([200, 'application/javascript']);
    });

    test.each(['/secret.txt', '/../jitar.json', '/%2e%2e/jitar.json', '/assets/../secret.txt', '/nothing.html'])('%s is 404', async path =>
    {
        expect((await request(path)).status).toBe(404);
    });
});

describe('bad input gets a clear 4xx, and the server keeps serving', () =>
{
    const cases: [string, () => Promise<Answer>, number, string][] = [
        ['malformed JSON', () => post('/rpc/math/add', '{"first": 1,'), 400, 'Invalid JSON body: '],
        ['a JSON array body', () => post('/rpc/math/add', [1, 2]), 400, 'Request body must be a JSON object of arguments by parameter name'],
        ['a wrong type', () => post('/rpc/math/add', { first: 1, second: 'two' }), 400, "Invalid value for parameter 'second': must be number"],
        ['a wrong nested type', () => post('/rpc/types/echoOrder', { order: { id: 1, lines: [{ product: 'tea', quantity: 'lots' }] } }), 400, "Invalid value for parameter 'order' at 'lines.0.quantity': must be number"],
        ['an extra property in a closed object', () => post('/rpc/types/echoOrder', { order: { id: 1, lines: [], extra: true } }), 400, "Invalid value for parameter 'order': must NOT have additional properties"],
        ['a value outside a literal union', () => request('/rpc/math/describe?flag=true&count=1&tags=a&mode=medium'), 400, 'Invalid value for parameter \'mode\': must be equal to one of the allowed values ("fast", "slow")'],
        ['a missing parameter', () => post('/rpc/math/add', { first: 1 }), 400, "Missing value for parameter 'second'"],
        ['an unknown parameter', () => post('/rpc/math/add', { first: 1, second: 2, third: 3 }), 400, 'Unknown parameter third'],
        ['a missing parameter is reported before an unknown one', () => post('/rpc/math/add', { first: 1, third: 3 }), 400, "Missing value for parameter 'second'"],
        ['a rest parameter that is not an array', () => post('/rpc/domain/sayHello', { '...names': 'John' }, { version: '4' }), 400, "Invalid value for parameter '...names': must be array"],
        ['a plain object where a class instance is expected', () => post('/rpc/domain/sayHello', { person: { name: 'John', age: 42 } }, { version: '5' }), 400, "Invalid value for parameter 'person': must be an instance of class domain/Person; send instances in the serialized encoding (?serialize=true, or the header 'x-jitar-data-encoding: serialized'), as {\"serialized\":true,\"name\":\"Person\",\"source\":\"domain/Person.js\",\"args\":[\"<name>\",\"<age>\"]}"],
        ['a plain object where a class instance is expected, in a serialized call: no hint about the encoding', () => post('/rpc/domain/sayHello?serialize=true', { person: { name: 'John', age: 42 } }, { version: '5' }), 400, "\"message\":\"Invalid value for parameter 'person': must be an instance of class domain/Person\"}"],
        ['an unknown class key', () => post('/rpc/domain/sayHello?serialize=true', { person: { serialized: true, key: 'domain/Evil', name: 'class', args: {}, fields: {} } }, { version: '5' }), 400, 'domain/Evil'],
        ['a class named after a global', () => post('/rpc/domain/sayHello?serialize=true', { person: { serialized: true, name: 'Function', source: 'x.js', args: ['return 1'], fields: {} } }, { version: '5' }), 400, 'Function'],
        ['a __proto__ key', () => post('/rpc/math/add', '{"first": 1, "second": 2, "__proto__": {"polluted": true}}'), 400, 'Invalid JSON body: Object contains forbidden prototype property'],
        ['a constructor.prototype key', () => post('/rpc/math/add', '{"first": 1, "second": 2, "constructor": {"prototype": {"polluted": true}}}'), 400, 'Invalid JSON body: Object contains forbidden prototype property'],
        ['a deeply nested body', () => post('/rpc/types/echoOrder?serialize=true', `{"order":${'['.repeat(5000)}${']'.repeat(5000)}}`), 400, 'deep'],
        ['an oversized body', () => oversizedPost('/rpc/math/add', 2 * 1024 * 1024), 413, 'Request body is too large']
    ];

    test.each(cases)('%s', async (_name, send, status, message) =>
    {
        const answer = await send();
        expect([answer.status, answer.body]).toEqual([status, expect.stringContaining(message)]);
    });

    test('after all of that the server still answers', async () =>
    {
        expect((await request('/rpc/domain/sayHello?name=still')).body).toBe('Hello, still!');
    });

    test('no prototype was polluted', async () =>
    {
        expect(await post('/rpc/types/echoOrder', { order: { id: 1, lines: [] } })).toMatchObject({ status: 200, body: '{"id":1,"lines":[]}' });
    });
});

describe('the process', () =>
{
    test('lists its RPC procedures at start', () =>
    {
        expect(jitar.output()).toMatch(/RPC procedures:\n  domain\/sayHello@0\.0\.0 +public +\(name\)\n  domain\/sayHello@2\.0\.0 +public +\(name\?\)\n/);
    });

    test('ran its setUp module before serving', () =>
    {
        expect(readFileSync(join(app.root, 'lifecycle.log'), 'utf8')).toBe('setUp\n');
    });
});

describe('a worker without a gateway', () =>
{
    let worker: JitarProcess;

    beforeAll(async () =>
    {
        worker = await startJitar(app.root, 'services/worker.json');
    });

    afterAll(async () => worker.stop());

    test('serves alone', async () =>
    {
        expect(await (await fetch(`${worker.url}/rpc/math/add?first=20&second=22`)).text()).toBe('42');
    });

    test('a health check slower than its timeout counts as unhealthy', async () =>
    {
        expect([await (await fetch(`${worker.url}/health`)).json(), await (await fetch(`${worker.url}/health/status`)).text()]).toEqual([{ database: true, slow: false }, 'false']);
    });
});

describe('stopping', () =>
{
    test('SIGTERM lets the request in flight finish, runs tearDown and exits 0', async () =>
    {
        const lifecycle = join(app.root, 'stop.log');
        const process = await startJitar(app.root, 'services/standalone.json', { TRUST_KEY: 'x', LIFECYCLE_FILE: lifecycle });
        const inFlight = fetch(`${process.url}/rpc/types/slowly?ms=500`).then(response => response.text());
        await waitUntil(() => process.output().includes('slowly(500) started'), 'the slow call to start');
        const code = await process.stop();
        expect([await inFlight, code, readFileSync(lifecycle, 'utf8')]).toEqual(['done after 500 ms', 0, 'setUp\ntearDown\n']);
    });
});

describe('a repository serving a single-page app', () =>
{
    let repository: JitarProcess;

    beforeAll(async () =>
    {
        repository = await startJitar(app.root, 'services/spa.json');
    });

    afterAll(async () => repository.stop());

    test('an unknown path gets the index file', async () =>
    {
        expect(await (await fetch(`${repository.url}/some/client/route`)).text()).toContain('<p>index</p>');
    });

    test('a file outside the whitelist still is not served: the index comes instead', async () =>
    {
        expect(await (await fetch(`${repository.url}/secret.txt`)).text()).toContain('<p>index</p>');
    });

    test('it serves no procedures', async () =>
    {
        expect((await fetch(`${repository.url}/rpc/math/add?first=1&second=2`)).status).toBe(404);
    });
});

describe('options of jitar start', () =>
{
    test('--env-file provides the variables of the service file', async () =>
    {
        writeFileSync(join(app.root, 'custom.env'), 'TRUST_KEY=from-file\nLIFECYCLE_FILE=' + join(app.root, 'env.log') + '\n');
        const process = await startJitar(app.root, 'services/standalone.json', {}, ['--env-file=custom.env']);
        const answer = await fetch(`${process.url}/rpc/secure/secret`, { headers: { 'x-jitar-trust-key': 'from-file' } });
        await process.stop();
        expect(answer.status).toBe(200);
    });

    test('--log-level=debug logs each request', async () =>
    {
        const process = await startJitar(app.root, 'services/worker.json', {}, ['--log-level=debug']);
        await fetch(`${process.url}/rpc/math/add?first=1&second=1`);
        await process.stop();
        expect(process.output()).toContain('"url":"/rpc/math/add?first=1&second=1"');
    });

    test('the default level logs a procedure that fails with 500, not each request', async () =>
    {
        const process = await startJitar(app.root, 'services/worker.json');
        await fetch(`${process.url}/rpc/math/add?first=1&second=1`);
        await fetch(`${process.url}/rpc/errors/fail?kind=plain`);
        await fetch(`${process.url}/rpc/errors/fail?kind=BadRequest`);
        await process.stop();
        const entries = process.output().split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as { msg: string; fqn?: string; err?: { message: string; stack: string } });
        expect(entries).toEqual([expect.objectContaining({ msg: 'procedure failed', fqn: 'errors/fail', err: expect.objectContaining({ message: 'Something broke', stack: expect.stringContaining('fail.js') }) })]);
    });

    test('an invalid --log-level is refused', async () =>
    {
        const result = await failingStart(app.root, 'services/worker.json', { PORT: '1' }, ['--log-level=loud']);
        expect([result.code, result.output]).toEqual([1, expect.stringContaining("Invalid --log-level 'loud'; use debug, info, warn, error, fatal")]);
    });

    test('--http-body-limit lowers the largest accepted body', async () =>
    {
        const process = await startJitar(app.root, 'services/worker.json', {}, ['--http-body-limit=100']);
        const answer = await fetch(`${process.url}/rpc/math/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ first: 1, second: 2, pad: 'x'.repeat(200) }) });
        await process.stop();
        expect([answer.status, await answer.text()]).toEqual([413, 'Request body is too large']);
    });
});

describe('configuration mistakes stop the start with one clear message', () =>
{
    test('an unknown key names the file and the key', async () =>
    {
        const result = await failingStart(app.root, 'services/broken-key.json', { PORT: '1' });
        expect([result.code, result.output]).toEqual([1, expect.stringContaining("services/broken-key.json: unknown key 'segmnts' in 'standalone'")]);
    });

    test('an unset variable names it', async () =>
    {
        const result = await failingStart(app.root, 'services/standalone.json', { PORT: '1' });
        expect([result.code, result.output]).toEqual([1, expect.stringContaining('${TRUST_KEY}, which is not set')]);
    });

    test('a segment the build does not have is named', async () =>
    {
        const result = await failingStart(app.root, 'services/unknown-segment.json', { PORT: '1' });
        expect([result.code, result.output]).toEqual([1, expect.stringContaining("services/unknown-segment.json: segment 'nope' is not in the app's build. The build's segments are 'main'; a segment file added since needs a new build")]);
    });

    test('a mistyped segment is offered the near one', async () =>
    {
        const result = await failingStart(app.root, 'services/mistyped-segment.json', { PORT: '1' });
        expect([result.code, result.output]).toEqual([1, expect.stringContaining("services/mistyped-segment.json: segment 'mian' is not in the app's build; did you mean 'main'? The build's segments are 'main'")]);
    });
});
