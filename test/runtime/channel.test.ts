import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';

import { encodeFrame, REQUEST } from '../../runtime/channel/frames.js';
import { ChannelClient } from '../../runtime/channel/channel-client.js';
import { ConnectionRefused } from '../../runtime/transport/transport.js';
import { RemoteCallFailed, RemoteCallTimedOut } from '../../runtime/errors.js';
import { rpcChannelHandler } from '../../runtime/http/channel-rpc.js';
import { ChannelServer } from '../../runtime/channel/channel-server.js';
import { CONNECTION_DEFAULTS } from '../../runtime/services/service-config.js';
import type { RpcAnswer, RpcCall } from '../../runtime/rpc/rpc-handler.js';

/**
 * Channels between two ends in this process, on 127.0.0.1: the serving side on a Node HTTP server (as a
 * worker's), with an RPC handler that answers what it was asked, or holds the answer until told.
 */

const silent = pino({ level: 'silent' });
const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () =>
{
    for (const step of cleanup.splice(0).reverse()) await step();
});

function listen(server: Server): Promise<string>
{
    return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

interface Serving
{
    origin: string;
    channels: ChannelServer;
    server: Server;
    /** Answers held back: call `release` to answer them. */
    held: { call: RpcCall; release: () => void }[];
    httpRequests: string[];
}

/** `hold`: FQNs whose answers wait for release. */
async function serve(options: { hold?: string[]; bodyLimit?: number; answerSize?: number } = {}): Promise<Serving & { handled: () => number }>
{
    let handled = 0;
    const held: Serving['held'] = [];
    const httpRequests: string[] = [];
    const rpc = {
        handle(call: RpcCall): Promise<RpcAnswer>
        {
            handled++;
            if (options.answerSize !== undefined) return Promise.resolve({ status: 200, headers: {}, body: 'x'.repeat(options.answerSize) });
            const answer: RpcAnswer = {
                status: 200,
                headers: { 'content-type': 'application/json', 'x-jitar-content-type': 'application/json' },
                body: JSON.stringify({ fqn: call.fqn, args: call.args, source: call.source, mode: call.mode, version: call.version, auth: call.headers().authorization })
            };
            if (!(options.hold ?? []).includes(call.fqn)) return Promise.resolve(answer);
            return new Promise(resolve => held.push({ call, release: () => resolve(answer) }));
        }
    };
    const channels = new ChannelServer({ handle: rpcChannelHandler(rpc), bodyLimit: options.bodyLimit ?? 1024 * 1024, log: silent, limits: CONNECTION_DEFAULTS });
    const server = createHttpServer((request, response) =>
    {
        httpRequests.push(`${request.method} ${request.url}`);
        response.writeHead(200, { 'content-type': 'text/plain', 'x-jitar-content-type': 'text/plain' });
        response.end('over HTTP');
    });
    channels.attach(server);
    const origin = await listen(server);
    cleanup.push(() => new Promise<void>(resolve =>
    {
        channels.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
    }));
    return { origin, channels, server, held, httpRequests, handled: () => handled };
}

function client(timeout = 5000): ChannelClient
{
    const made = new ChannelClient(timeout);
    cleanup.push(() => made.close());
    return made;
}

const waitFor = async (condition: () => boolean): Promise<void> =>
{
    const deadline = Date.now() + 20_000;
    while (!condition())
    {
        if (Date.now() > deadline) throw new Error('timed out waiting');
        await new Promise(resolve => setTimeout(resolve, 5));
    }
};

describe('channels', () =>
{
    it('carries requests with their query, body and headers, and many at once, each to its own answer', async () =>
    {
        const { origin, httpRequests } = await serve();
        const channel = client();
        const answers = await Promise.all(Array.from({ length: 200 }, (_, index) => index % 2 === 0
            ? channel.send(origin, { method: 'GET', path: `/rpc/math/add?first=${index}&second=2`, headers: ['Authorization', `Bearer ${index}`] })
            : channel.send(origin, { method: 'POST', path: '/rpc/math/add', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ first: index }) })));
        answers.forEach((answer, index) =>
        {
            expect(answer.status).toBe(200);
            expect(answer.headers['x-jitar-content-type']).toBe('application/json');
            const body = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
            if (index % 2 === 0) expect(body).toEqual({ fqn: 'math/add', args: { first: String(index), second: '2' }, source: 'query', mode: 'call', auth: `Bearer ${index}` });
            else expect(body).toEqual({ fqn: 'math/add', args: { first: index }, source: 'body', mode: 'call' });
        });
        // All of it over the channel: the HTTP handler saw nothing.
        expect(httpRequests).toEqual([]);
    });

    it('answers what HTTP would for bodies it cannot read, and keeps the channel', async () =>
    {
        const { origin } = await serve({ bodyLimit: 1000 });
        const channel = client();
        const send = async (headers: Record<string, string>, body: string): Promise<[number, string]> =>
        {
            const answer = await channel.send(origin, { method: 'POST', path: '/rpc/math/add', headers, body });
            return [answer.status, answer.body.toString('utf8')];
        };
        expect(await send({ 'content-type': 'application/json' }, '{"first":')).toEqual([400, expect.stringMatching(/^Invalid JSON body: /)]);
        expect(await send({ 'content-type': 'application/json' }, '{"__proto__":{"x":1}}')).toEqual([400, expect.stringMatching(/^Invalid JSON body: .*prototype/)]);
        expect(await send({ 'content-type': 'application/json' }, '')).toEqual([400, 'Invalid JSON body: Unexpected end of JSON input']);
        expect(await send({ 'content-type': 'application/json' }, '[1]')).toEqual([400, 'Request body must be a JSON object of arguments by parameter name']);
        expect(await send({ 'content-type': 'text/csv' }, 'a,b')).toEqual([415, "Unsupported Media Type 'text/csv': send application/json or application/x-www-form-urlencoded"]);
        expect(await send({ 'content-type': 'application/json' }, JSON.stringify({ pad: 'x'.repeat(5000) }))).toEqual([413, 'Request body is too large']);
        // Far beyond the frame limit: skipped unread, answered, and the channel goes on.
        expect(await send({ 'content-type': 'application/json' }, JSON.stringify({ pad: 'x'.repeat(200_000) }))).toEqual([413, 'Request body is too large']);
        const [status, body] = await send({ 'content-type': 'application/x-www-form-urlencoded' }, 'first=1&first=2');
        expect([status, JSON.parse(body)]).toEqual([200, expect.objectContaining({ args: { first: ['1', '2'] }, source: 'query' })]);
        const wrongPath = await channel.send(origin, { method: 'GET', path: '/health', headers: [] });
        expect([wrongPath.status, wrongPath.body.toString()]).toEqual([404, 'Not found']);
    });

    it('fails a request not answered in time with 504, and drops its late answer', async () =>
    {
        const serving = await serve({ hold: ['slow/one'] });
        const channel = client(200);
        const late = channel.send(serving.origin, { method: 'GET', path: '/rpc/slow/one', headers: [] });
        await expect(late).rejects.toThrow(RemoteCallTimedOut);
        await expect(late).rejects.toThrow(`${serving.origin} did not answer within 200 ms`);
        serving.held[0].release();
        const next = await channel.send(serving.origin, { method: 'GET', path: '/rpc/fast/one', headers: [] });
        expect(JSON.parse(next.body.toString()).fqn).toBe('fast/one');
    });

    it('fails the requests on a channel that breaks with 502, and makes a new channel for the next', async () =>
    {
        const serving = await serve({ hold: ['slow/one'] });
        const channel = client();
        const inFlight = channel.send(serving.origin, { method: 'GET', path: '/rpc/slow/one', headers: [] });
        await waitFor(() => serving.held.length === 1);
        serving.channels.destroy();
        await expect(inFlight).rejects.toThrow(RemoteCallFailed);
        await expect(inFlight).rejects.toThrow(`The connection to ${serving.origin} failed during the request`);
        const next = await channel.send(serving.origin, { method: 'GET', path: '/rpc/fast/one', headers: [] });
        expect(next.status).toBe(200);
    });

    it('reports a refused connection as nothing sent', async () =>
    {
        const serving = await serve();
        await new Promise<void>(resolve =>
        {
            serving.server.close(() => resolve());
        });
        await expect(client().send(serving.origin, { method: 'GET', path: '/rpc/a/b', headers: [] })).rejects.toThrow(ConnectionRefused);
    });

    it('drains: answers what is in flight, takes no new channel (503: nothing sent), then closes', async () =>
    {
        const serving = await serve({ hold: ['slow/one'] });
        const first = client();
        const inFlight = first.send(serving.origin, { method: 'GET', path: '/rpc/slow/one', headers: [] });
        await waitFor(() => serving.held.length === 1);
        let drained = false;
        const draining = serving.channels.drain().then(() => { drained = true; });
        await expect(client().send(serving.origin, { method: 'GET', path: '/rpc/a/b', headers: [] })).rejects.toThrow(ConnectionRefused);
        expect(drained).toBe(false);
        serving.held[0].release();
        expect((await inFlight).status).toBe(200);
        await draining;
        expect(drained).toBe(true);
    });

    it('sends over HTTP to a server that takes no channels', async () =>
    {
        const requests: string[] = [];
        const plain = createHttpServer((request, response) =>
        {
            requests.push(`${request.method} ${request.url}`);
            response.writeHead(request.url === '/jitar/channel' ? 404 : 200, { 'x-jitar-content-type': 'text/plain' });
            response.end(request.url === '/jitar/channel' ? 'Not found' : 'plain answer');
        });
        const origin = await listen(plain);
        cleanup.push(() => new Promise<void>(resolve => { plain.closeAllConnections(); plain.close(() => resolve()); }));
        const channel = client();
        const answers = await Promise.all([1, 2, 3].map(index => channel.send(origin, { method: 'GET', path: `/rpc/a/b?i=${index}`, headers: [] })));
        expect(answers.map(answer => [answer.status, answer.body.toString()])).toEqual([[200, 'plain answer'], [200, 'plain answer'], [200, 'plain answer']]);
        expect((await channel.send(origin, { method: 'GET', path: '/rpc/a/b?i=4', headers: [] })).status).toBe(200);
        // One upgrade asked for, then HTTP only.
        expect(requests).toEqual(['GET /jitar/channel', 'GET /rpc/a/b?i=1', 'GET /rpc/a/b?i=2', 'GET /rpc/a/b?i=3', 'GET /rpc/a/b?i=4']);
    });

    it('cuts a peer that sends no frames, and refuses upgrades to anything else', async () =>
    {
        const serving = await serve();
        const port = Number(new URL(serving.origin).port);
        const raw = async (bytes: string): Promise<string> => new Promise((resolve, reject) =>
        {
            const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
            let received = '';
            socket.on('data', chunk => { received += chunk.toString('latin1'); });
            socket.on('close', () => resolve(received));
            socket.on('error', reject);
        });
        const garbage = await raw('GET /jitar/channel HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: jitar-rpc/1\r\n\r\n\u0000\u0000\u0000\u0010\u0001\u0000\u0000\u0000\u0001\u0000\u0000\u0000\u0003{{{xxxx');
        expect(garbage).toMatch(/^HTTP\/1\.1 101 /);
        const websocket = await raw('GET /jitar/channel HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
        expect(websocket).toMatch(/^HTTP\/1\.1 400 [^]*This server upgrades only \/jitar\/channel to jitar-rpc\/1$/);
        // The server goes on serving, over channels and HTTP.
        expect((await client().send(serving.origin, { method: 'GET', path: '/rpc/a/b', headers: [] })).status).toBe(200);
        expect(await (await fetch(`${serving.origin}/health`)).text()).toBe('over HTTP');
    });

    it('reads no more requests while a caller does not read its answers', async () =>
    {
        const serving = await serve({ answerSize: 1024 * 1024 });
        const socket = connect(Number(new URL(serving.origin).port), '127.0.0.1');
        cleanup.push(() => { socket.destroy(); });
        let received = 0;
        socket.on('data', chunk => { received += chunk.length; });
        await new Promise(resolve => socket.once('connect', resolve));
        socket.write('GET /jitar/channel HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: jitar-rpc/1\r\n\r\n');
        await waitFor(() => received > 0);
        // 100 requests of 100 KB each, then no reading: their answers (100 MB) cannot all be sent. (A
        // server reads up to 2 MB at a time, so the requests are large enough to take several reads.)
        socket.pause();
        for (let id = 1; id <= 100; id++) socket.write(encodeFrame(REQUEST, id, ['POST', '/rpc/a/b', 'content-type', 'application/json'], JSON.stringify({ pad: 'x'.repeat(100_000) })));
        // Handling starts, then stops once the unsent answers pile up: wait until the count holds still.
        await waitFor(() => serving.handled() > 0);
        let whileBlocked = -1;
        while (whileBlocked !== serving.handled())
        {
            whileBlocked = serving.handled();
            await new Promise(resolve => setTimeout(resolve, 300));
        }
        expect(whileBlocked).toBeLessThan(50);
        // Reading again lets the server go on, to the last request.
        socket.resume();
        await waitFor(() => serving.handled() === 100);
        await waitFor(() => received >= 100 * 1024 * 1024);
    });
});
