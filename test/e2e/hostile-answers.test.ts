import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { ANSWER, encodeFrame, FrameReader, REQUEST } from '../../runtime/channel/frames.js';
import { prepareApp, startJitar, waitUntil, type JitarProcess } from './jitar-app.js';

/**
 * A worker that answers what HTTP cannot carry (a status that is no number, a header value with CR and
 * LF, a header name with a space), over a channel and over plain HTTP, registered with a real gateway and
 * put behind a real proxy: the call gets a 502 naming the worker, the log names it too, and the gateway
 * and proxy keep serving. Before, one such answer ended both processes.
 */

jest.setTimeout(60_000);

/** The answer heads the fake worker sends, by procedure. */
const GARBAGE: Record<string, string[]> = {
    'evil/status': ['abc', 'content-type', 'text/plain'],
    'evil/crlf': ['200', 'x-evil', 'a\r\nset-cookie: stolen=1'],
    'evil/name': ['200', 'bad name', 'x'],
    'evil/informational': ['101'],
    'evil/odd': ['200', 'content-type']
};
const FINE = ['200', 'content-type', 'text/plain; charset=utf-8', 'x-jitar-content-type', 'text/plain'];

/** A fake jitar worker that takes channels and answers each request from GARBAGE (or fine for evil/fine). */
async function channelWorker(): Promise<{ url: string; server: Server; sockets: Set<Socket> }>
{
    const sockets = new Set<Socket>();
    const server = createHttpServer((_request, response) => { response.writeHead(404).end(); });
    server.on('upgrade', (_request, socket: Socket) =>
    {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('end', () => socket.end());
        socket.write('HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: jitar-rpc/1\r\n\r\n');
        const reader = new FrameReader(1024 * 1024, frame =>
        {
            if (frame.kind !== REQUEST) return;
            const fqn = frame.head[1].replace(/^\/rpc\//, '').replace(/\?.*$/, '');
            socket.write(encodeFrame(ANSWER, frame.id, GARBAGE[fqn] ?? FINE, 'from the fake worker'));
        }, () => undefined);
        socket.on('data', (chunk: Buffer) => reader.push(chunk));
        socket.on('error', () => undefined);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets };
}

/** A fake worker over plain HTTP (it refuses channels) whose answers break HTTP itself, written byte by byte. */
async function httpWorker(): Promise<{ url: string; server: NetServer }>
{
    const server = createNetServer(socket =>
    {
        let received = '';
        socket.on('data', (chunk: Buffer) =>
        {
            received += chunk.toString('latin1');
            const end = received.indexOf('\r\n\r\n');
            if (end < 0) return;
            const [, path] = received.slice(0, end).split(' ');
            received = '';
            if (path === '/jitar/channel') socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
            else if (path.startsWith('/rpc/evil/status')) socket.end('HTTP/1.1 abc OK\r\ncontent-length: 2\r\n\r\nhi');
            else socket.end('HTTP/1.1 200 OK\r\nx-evil: a\rb\r\ncontent-length: 2\r\n\r\nhi');
        });
        socket.on('error', () => undefined);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function text(url: string, init?: RequestInit): Promise<{ status: number; body: string }>
{
    const response = await fetch(url, init);
    return { status: response.status, body: await response.text() };
}

describe('answers that HTTP cannot carry', () =>
{
    let app: ReturnType<typeof prepareApp>;
    let gateway: JitarProcess;
    let proxy: JitarProcess;
    let fake: Awaited<ReturnType<typeof channelWorker>>;
    let fakeHttp: Awaited<ReturnType<typeof httpWorker>>;
    const started: JitarProcess[] = [];

    beforeAll(async () =>
    {
        app = prepareApp('cluster');
        fake = await channelWorker();
        fakeHttp = await httpWorker();
        gateway = await startJitar(app.root, 'services/gateway.json');
        started.push(gateway);
        // A proxy straight in front of the fake worker: its own channel client meets the garbage.
        writeFileSync(join(app.root, 'services/proxy-to-fake.json'), JSON.stringify({ url: 'http://127.0.0.1:${PORT}', proxy: { worker: fake.url } }));
        proxy = await startJitar(app.root, 'services/proxy-to-fake.json');
        started.push(proxy);
        const register = async (url: string, procedureNames: string[]): Promise<void> =>
        {
            const answer = await fetch(`${gateway.url}/workers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url, procedureNames }) });
            expect(answer.status).toBeLessThan(300);
        };
        await register(fake.url, [...Object.keys(GARBAGE), 'evil/fine']);
        await register(fakeHttp.url, ['plain/status', 'plain/crlf']);
    });

    afterAll(async () =>
    {
        await Promise.all(started.map(process => process.stop()));
        for (const socket of fake?.sockets ?? []) socket.destroy();
        fake?.server.closeAllConnections();
        await new Promise(resolve => fake?.server.close(resolve));
        await new Promise(resolve => fakeHttp?.server.close(resolve));
        app?.remove();
    });

    it.each(Object.keys(GARBAGE))('%s over a channel: 502 naming the worker, and the gateway goes on', async fqn =>
    {
        const answer = await text(`${gateway.url}/rpc/${fqn}`);
        expect(answer.status).toBe(502);
        expect(answer.body).toMatch(new RegExp(`^${fake.url.replaceAll('.', '\\.')} sent an answer that cannot be passed on: `));
        await waitUntil(() => gateway.output().includes(`Answer from ${fake.url} refused`), 'the gateway to log the worker at fault');
        expect(await text(`${gateway.url}/rpc/evil/fine`)).toEqual({ status: 200, body: 'from the fake worker' });
    });

    it('serialized callers get the 502 as a serialized error', async () =>
    {
        const answer = await fetch(`${gateway.url}/rpc/evil/crlf`, { headers: { 'x-jitar-data-encoding': 'serialized' } });
        expect(answer.status).toBe(502);
        expect(await answer.json()).toMatchObject({ serialized: true, message: expect.stringContaining('cannot be passed on') });
    });

    it('a proxy whose worker answers garbage gives 502 and goes on', async () =>
    {
        for (const fqn of Object.keys(GARBAGE)) expect((await text(`${proxy.url}/rpc/${fqn}`)).status).toBe(502);
        expect(await text(`${proxy.url}/rpc/evil/fine`)).toEqual({ status: 200, body: 'from the fake worker' });
    });

    it('a worker over plain HTTP that breaks HTTP itself gets 502, and the gateway goes on', async () =>
    {
        for (const fqn of ['plain/status', 'plain/crlf'])
        {
            const answer = await text(`${gateway.url}/rpc/${fqn}`);
            expect(answer.status).toBe(502);
            expect(answer.body).toContain(fakeHttp.url);
        }
        expect(await text(`${gateway.url}/rpc/evil/fine`)).toEqual({ status: 200, body: 'from the fake worker' });
    });

    it('both processes are still running', () =>
    {
        expect([gateway.process.exitCode, proxy.process.exitCode]).toEqual([null, null]);
    });
});
