import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { prepareApp, startJitar, waitUntil, type JitarProcess } from './jitar-app.js';

/**
 * Peers that mean harm, over real sockets on 127.0.0.1: connections that stall, channels that start
 * frames and stop or open past their caps, a rogue worker, made-up procedure names, and inputs built to
 * overflow, block or mislead. Each test checks that the process lives on, that the answer is the right
 * status, and (where the attack holds memory) that the memory comes back. The fixture's service files set
 * deadlines of 2 s, so that the server's cuts come soon; the tests wait for those cuts, not for times.
 */

jest.setTimeout(90_000);

const TRUST_KEY = 'sesame';

/** The resident memory of a process, in MB (Linux). */
function rssOf(process: JitarProcess): number
{
    const status = readFileSync(`/proc/${process.process.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

function portOf(process: JitarProcess): number
{
    return Number(new URL(process.url).port);
}

interface RawConnection
{
    socket: Socket;
    /** Everything the server sent. */
    received(): Buffer;
    /** Settles when the server (or an error) closed the connection. */
    closed: Promise<void>;
    isClosed(): boolean;
}

/** A TCP connection to the process that writes `bytes` (in chunks, as given) and then says nothing more. */
function rawConnection(process: JitarProcess, ...chunks: (string | Buffer)[]): Promise<RawConnection>
{
    return new Promise((resolve, reject) =>
    {
        const socket = connect(portOf(process), '127.0.0.1');
        const data: Buffer[] = [];
        let closed = false;
        socket.on('data', (chunk: Buffer) => data.push(chunk));
        socket.on('error', () => undefined);
        const whenClosed = new Promise<void>(done => socket.once('close', () => { closed = true; done(); }));
        socket.once('connect', () =>
        {
            for (const chunk of chunks) socket.write(chunk);
            resolve({ socket, received: () => Buffer.concat(data), closed: whenClosed, isClosed: () => closed });
        });
        socket.once('error', reject);
    });
}

/** A POST whose headers promise `promised` bytes of body, of which `sent` come. */
function stalledBody(process: JitarProcess, path: string, sent: number, promised = sent + 1000): Promise<RawConnection>
{
    return rawConnection(process,
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${promised}\r\n\r\n`,
        Buffer.alloc(sent, 0x20));
}

const statusLine = (connection: RawConnection): string => connection.received().toString('latin1').split('\r\n', 1)[0];

/** The upgrade to a channel; resolves once the server answered it (101, or a refusal). */
async function openChannel(process: JitarProcess): Promise<RawConnection & { status: number; text: string }>
{
    const connection = await rawConnection(process, 'GET /jitar/channel HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: jitar-rpc/1\r\n\r\n');
    await waitUntil(() => connection.received().includes('\r\n\r\n') || connection.isClosed(), 'the answer to the upgrade');
    const text = connection.received().toString('utf8');
    return { ...connection, status: Number(text.slice(9, 12)), text };
}

/** The first bytes of a request frame that says it is `length` bytes long, and `sent` of them. */
function partialFrame(length: number, sent: number): Buffer
{
    const frame = Buffer.alloc(sent);
    frame.writeUInt32BE(length, 0);
    frame[4] = 1;
    frame.writeUInt32BE(7, 5);
    frame.writeUInt32BE(2, 9);
    frame.write('[]', 13);
    return frame;
}

async function call(url: string, init?: RequestInit): Promise<{ status: number; body: string }>
{
    const response = await fetch(url, init);
    return { status: response.status, body: await response.text() };
}

const postJson = (url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> =>
    call(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

const healthy = async (process: JitarProcess): Promise<boolean> =>
    process.process.exitCode === null && (await call(`${process.url}/health/status`)).body === 'true';

/** Nested arrays `depth` deep around nothing. */
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

let app: ReturnType<typeof prepareApp>;
const started: JitarProcess[] = [];

beforeAll(() => { app = prepareApp('hostile'); });

afterAll(async () =>
{
    await Promise.all(started.map(process => process.stop()));
    app?.remove();
});

async function start(service: string, env: Record<string, string> = {}): Promise<JitarProcess>
{
    const process = await startJitar(app.root, service, env);
    started.push(process);
    return process;
}

describe('a standalone under slow and stalling clients', () =>
{
    let standalone: JitarProcess;

    beforeAll(async () => { standalone = await start('services/standalone.json'); });

    it('answers 408 to bodies that stall and closes them, and gives their memory back', async () =>
    {
        // Rounds of 30 connections that each send 900 kB of a body and stop: 108 MB in all. Held, they
        // would add about that much; cut at their deadline, each round reuses the memory of the last.
        const before = rssOf(standalone);
        for (let round = 0; round < 4; round++)
        {
            const stalled = await Promise.all(Array.from({ length: 30 }, () => stalledBody(standalone, '/rpc/limits/echo', 900_000)));
            await Promise.all(stalled.map(connection => connection.closed));
            for (const connection of stalled) expect(statusLine(connection)).toBe('HTTP/1.1 408 Request Timeout');
        }
        expect(await healthy(standalone)).toBe(true);
        expect(rssOf(standalone) - before).toBeLessThan(80);
    });

    it('closes connections whose headers stall, and idle keep-alive connections', async () =>
    {
        const headers = await rawConnection(standalone, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
        const idle = await rawConnection(standalone, 'GET /health/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
        await Promise.all([headers.closed, idle.closed]);
        expect(statusLine(headers)).toBe('HTTP/1.1 408 Request Timeout');
        // The answer came, then the connection was closed for idling past keepAliveTimeout.
        expect(idle.received().toString('utf8')).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\ntrue$/);
        expect(await healthy(standalone)).toBe(true);
    });

    it('caps the channels of one peer, and cuts channels whose frames stall', async () =>
    {
        const before = rssOf(standalone);
        for (let round = 0; round < 3; round++)
        {
            // maxChannelsPerPeer is 3: the fourth is refused before it holds anything.
            const channels = [await openChannel(standalone), await openChannel(standalone), await openChannel(standalone)];
            expect(channels.map(channel => channel.status)).toEqual([101, 101, 101]);
            const refused = await openChannel(standalone);
            expect(refused.status).toBe(429);
            expect(refused.text).toContain('Too many channels from 127.0.0.1: this service takes 3 from one address; send over HTTP');

            // Frames of 1 MB of which 900 kB come: each channel is cut at the frame deadline.
            for (const channel of channels) channel.socket.write(partialFrame(1_000_000, 900_000));
            await Promise.all(channels.map(channel => channel.closed));
        }
        // The places are free again.
        const again = await openChannel(standalone);
        expect(again.status).toBe(101);
        again.socket.destroy();
        expect(await healthy(standalone)).toBe(true);
        expect(rssOf(standalone) - before).toBeLessThan(60);
    });

    it('tells an idle channel to go away, and cuts it when it stays', async () =>
    {
        const channel = await openChannel(standalone);
        expect(channel.status).toBe(101);
        const head = channel.received().indexOf('\r\n\r\n') + 4;
        // A GOING_AWAY frame: length 9, kind 3, id 0.
        await waitUntil(() => channel.received().subarray(head).equals(Buffer.from([0, 0, 0, 9, 3, 0, 0, 0, 0, 0, 0, 0, 0])), 'the server to tell the idle channel to go away');
        await channel.closed;
        expect(await healthy(standalone)).toBe(true);
    });
});

describe('inputs built to overflow, block or mislead', () =>
{
    let standalone: JitarProcess;
    let rpc: string;

    beforeAll(async () =>
    {
        standalone = await start('services/standalone.json');
        rpc = `${standalone.url}/rpc/limits`;
    });

    it('refuses JSON nested deeper than 64 levels, plain or serialized, and takes 64', async () =>
    {
        const tooDeep = { status: 400, body: 'Invalid JSON body: nested deeper than 64 levels' };
        expect(await postJson(`${rpc}/echo`, `{"value":${nested(100_000)}}`)).toEqual(tooDeep);
        expect(await postJson(`${rpc}/echo`, `{"value":${nested(64)}}`)).toEqual(tooDeep);
        // The body's object is the first level.
        expect(await postJson(`${rpc}/echo`, `{"value":${nested(63)}}`)).toEqual({ status: 200, body: nested(63) });
        // Brackets inside strings are no nesting.
        expect((await postJson(`${rpc}/echo`, JSON.stringify({ value: '['.repeat(1000) }))).status).toBe(200);

        const serialized = await postJson(`${rpc}/echo?serialize=true`, `{"value":${nested(100_000)}}`);
        expect(serialized).toEqual({ status: 400, body: 'Invalid JSON body: nested deeper than 192 levels' });
        const deepSerialized = await postJson(`${rpc}/echo?serialize=true`, `{"value":${nested(100)}}`);
        expect(deepSerialized.status).toBe(400);
        expect(deepSerialized.body).toContain('nesting deeper than 64 levels');
        expect(await healthy(standalone)).toBe(true);
    });

    it('refuses a rest parameter of 200,000 values, in either encoding, and takes a few', async () =>
    {
        const values = `[${Array.from({ length: 200_000 }, () => '1').join(',')}]`;
        const refused = { status: 400, body: 'Invalid value for parameter \'...numbers\': a rest parameter takes at most 10000 values, not 200000' };
        expect(await postJson(`${rpc}/sum`, `{"...numbers":${values}}`)).toEqual(refused);
        const serialized = await postJson(`${rpc}/sum`, `{"...numbers":${values}}`, { 'x-jitar-data-encoding': 'serialized' });
        expect(serialized.status).toBe(400);
        expect(serialized.body).toContain('a rest parameter takes at most 10000 values, not 200000');
        expect(await postJson(`${rpc}/sum`, '{"...numbers":[1,2,3]}')).toEqual({ status: 200, body: '6' });
        // A rest element of a destructured parameter is an array, not arguments: many are fine.
        expect(await postJson(`${rpc}/firstAndCount`, `{"first":5,"...others":${values}}`)).toEqual({ status: 200, body: '5 and 200000 more' });
        expect(await healthy(standalone)).toBe(true);
    });

    it('refuses a BigInt of 500,000 digits without reading it, in either encoding', async () =>
    {
        const digits = '7'.repeat(500_000);
        expect(await postJson(`${rpc}/double`, `{"amount":"${digits}"}`))
            .toEqual({ status: 400, body: 'Invalid value for parameter \'amount\': a bigint of more than 4096 digits is not read' });
        const serialized = await postJson(`${rpc}/double?serialize=true`, `{"amount":{"serialized":true,"name":"BigInt","value":"${digits}"}}`);
        expect(serialized.status).toBe(400);
        expect(serialized.body).toContain('Cannot deserialize value.amount.value: a BigInt\'s value has more than 4096 digits, the most that are read');
        // That nothing calls BigInt() on such a value is checked where it is refused (test/runtime/hostile-input.test.ts).
        expect(await call(`${rpc}/double?amount=${'9'.repeat(4096)}`)).toEqual({ status: 200, body: `1${'9'.repeat(4095)}8` });
    });

    it('refuses dates that do not exist, naming the parameter, in either encoding', async () =>
    {
        for (const at of ['2023-02-30', '-000000-01-01', '2023-02-29', '2024-04-31', '2024-01-01T24:00', '2024-01-01T12:60Z', '20230-01-01'])
        {
            const plain = await call(`${rpc}/dayOf?at=${encodeURIComponent(at)}`);
            expect(plain).toEqual({ status: 400, body: `Invalid value for parameter 'at': ${JSON.stringify(at)} is not a valid date (ISO 8601, such as 2024-02-29 or 2024-02-29T12:30:00Z)` });
            const serialized = await postJson(`${rpc}/dayOf?serialize=true`, JSON.stringify({ at: { serialized: true, name: 'Date', value: at } }));
            expect(serialized.status).toBe(400);
            expect(serialized.body).toContain(`Cannot deserialize value.at.value: a Date's value must be an ISO 8601 date, not \\"${at}\\"`);
        }
        expect(await call(`${rpc}/dayOf?at=2024-02-29`)).toEqual({ status: 200, body: '2024-02-29' });
        expect(await call(`${rpc}/dayOf?at=%2B002024-02-29T23:59:59.999Z`)).toEqual({ status: 200, body: '2024-02-29' });
    });

    it('refuses numbers that are not finite, as text or as JSON', async () =>
    {
        expect(await call(`${rpc}/add?first=1e400&second=1`)).toEqual({ status: 400, body: 'Invalid value for parameter \'first\': must be a finite number' });
        expect(await call(`${rpc}/add?first=1&second=-1e400`)).toEqual({ status: 400, body: 'Invalid value for parameter \'second\': must be a finite number' });
        expect(await postJson(`${rpc}/add`, '{"first":1e400,"second":1}')).toEqual({ status: 400, body: 'Invalid value for parameter \'first\': must be number' });
        expect(await call(`${rpc}/add?first=1e300&second=1`)).toEqual({ status: 200, body: '1e+300' });
        expect(await healthy(standalone)).toBe(true);
    });
});

describe('a gateway with a trust key, a rogue worker and made-up names', () =>
{
    let gateway: JitarProcess;
    let workerId: string;

    const workers = async (): Promise<{ id: string; url: string; state: string }[]> =>
        await (await fetch(`${gateway.url}/workers`, { headers: { 'x-jitar-trust-key': TRUST_KEY } })).json() as { id: string; url: string; state: string }[];

    beforeAll(async () =>
    {
        gateway = await start('services/gateway.json', { TRUST_KEY });
        await start('services/worker.json', { TRUST_KEY, GATEWAY: gateway.url, WORKER_NAME: 'keyed' });
        await waitUntil(async () => (await workers()).some(worker => worker.state === 'available'), 'the keyed worker to register');
        workerId = (await workers())[0].id;
    });

    it('refuses the worker API without the key: a rogue cannot register, report or take a worker out', async () =>
    {
        const refused = { status: 401, body: 'Request not trusted' };
        for (const key of [undefined, 'guess'])
        {
            const headers: Record<string, string> = key === undefined ? {} : { 'x-jitar-trust-key': key };
            expect(await postJson(`${gateway.url}/workers/${workerId}/report`, '{"state":"unavailable"}', headers)).toEqual(refused);
            expect(await call(`${gateway.url}/workers/${workerId}`, { method: 'DELETE', headers })).toEqual(refused);
            expect(await postJson(`${gateway.url}/workers`, JSON.stringify({ url: 'http://127.0.0.1:9', procedureNames: ['secret/whoServes'], ...key === undefined ? {} : { trustKey: key } })))
                .toEqual({ status: 401, body: 'Invalid trust key' });
        }
        // The keyed worker still takes every call.
        expect((await workers()).map(({ id, state }) => ({ id, state }))).toEqual([{ id: workerId, state: 'available' }]);
        for (let index = 0; index < 4; index++)
        {
            expect(await call(`${gateway.url}/rpc/secret/whoServes`, { headers: { 'x-jitar-trust-key': TRUST_KEY } })).toEqual({ status: 200, body: 'keyed' });
        }
    });

    it('keeps its route table to the names its workers serve', async () =>
    {
        const before = rssOf(gateway);
        for (let batch = 0; batch < 10; batch++)
        {
            const answers = await Promise.all(Array.from({ length: 50 }, (_, index) =>
                call(`${gateway.url}/rpc/${'x'.repeat(2000)}${batch}-${index}-${Math.random()}`, { headers: { 'x-jitar-procedure-version': '1.0.0' } })));
            for (const answer of answers) expect(answer.status).toBe(404);
        }
        expect(await healthy(gateway)).toBe(true);
        // 500 names of 2 kB: a table that kept them would hold 1 MB; this bound only says nothing ran away (the unit test counts the table).
        expect(rssOf(gateway) - before).toBeLessThan(50);
    });

    it('answers 408 to a forwarded body that stalls, and refuses deep bodies on the worker behind it', async () =>
    {
        const stalled = await stalledBody(gateway, '/rpc/limits/echo', 500_000);
        await stalled.closed;
        expect(statusLine(stalled)).toBe('HTTP/1.1 408 Request Timeout');
        // Over the channel from the gateway to the worker, the same limit holds.
        expect(await postJson(`${gateway.url}/rpc/limits/echo`, `{"value":${nested(100_000)}}`)).toEqual({ status: 400, body: 'Invalid JSON body: nested deeper than 64 levels' });
        expect(await healthy(gateway)).toBe(true);
    });
});

describe('a worker with a trust key and a gateway without one', () =>
{
    it('is refused, says why, and sends nothing through that gateway', async () =>
    {
        const gateway = await start('services/gateway-open.json');
        const worker = await start('services/worker.json', { TRUST_KEY, GATEWAY: gateway.url, WORKER_NAME: 'keyed' });
        await waitUntil(() => worker.output().includes(`Gateway ${gateway.url} refused this worker (403)`), 'the worker to log its refusal');
        expect(worker.output()).toContain('This gateway has no trust key, so any process may register at it as a worker and be sent calls, with their headers; a worker with a trust key is refused here');
        expect(await (await fetch(`${gateway.url}/workers`)).json()).toEqual([]);
        // The build lists it, so the gateway says no worker serves it yet (503), not that it does not exist.
        expect(await call(`${gateway.url}/rpc/secret/whoServes`)).toEqual({ status: 503, body: 'No worker serves \'secret/whoServes\' yet; try again' });
        // An open gateway still takes workers without a key, as Jitar's does: the README says what that allows.
        expect(await postJson(`${gateway.url}/workers`, JSON.stringify({ url: 'http://127.0.0.1:9', procedureNames: ['limits/add'] }))).toMatchObject({ status: 200 });
    });
});
