import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

import { afterEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';

import { encodeFrame, FrameReader, REQUEST } from '../../runtime/channel/frames.js';
import { ChannelClient } from '../../runtime/channel/channel-client.js';
import { ChannelAdmission } from '../../runtime/channel/channel-admission.js';
import { ChannelServer } from '../../runtime/channel/channel-server.js';
import type { ChannelLimits } from '../../runtime/channel/limits.js';

/**
 * The caps and deadlines of the channels a service takes: how many at once and per peer, how long a
 * frame may take to come, and what happens to a channel that idles.
 */

const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () =>
{
    for (const step of cleanup.splice(0).reverse()) await step();
});

async function waitFor(condition: () => boolean, what: string): Promise<void>
{
    const deadline = Date.now() + 20_000;
    while (!condition())
    {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise(resolve => setTimeout(resolve, 10));
    }
}

describe('channel admission', () =>
{
    it('takes at most maxChannelsPerPeer from one address and maxChannels in all, and frees places as channels close', () =>
    {
        const admission = new ChannelAdmission({ maxChannels: 3, maxChannelsPerPeer: 2 });
        expect(admission.admit('10.0.0.1')).toBeUndefined();
        expect(admission.admit('10.0.0.1')).toBeUndefined();
        expect(admission.admit('10.0.0.1')).toBe('Too many channels from 10.0.0.1: this service takes 2 from one address; send over HTTP');
        expect(admission.admit('10.0.0.2')).toBeUndefined();
        expect(admission.admit('10.0.0.3')).toBe('Too many channels: this service takes 3 at once; send over HTTP');
        expect([admission.size, admission.peers]).toEqual([3, 2]);

        admission.release('10.0.0.1');
        expect(admission.admit('10.0.0.3')).toBeUndefined();
        for (const peer of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) admission.release(peer);
        // A peer that was never admitted frees nothing.
        admission.release('10.0.0.9');
        expect([admission.size, admission.peers]).toEqual([0, 0]);
    });
});

describe('the frame reader\'s clock', () =>
{
    it('tells since when the frame it waits for has been coming', () =>
    {
        let now = 1000;
        const read: number[] = [];
        const reader = new FrameReader(100, frame => read.push(frame.id), () => undefined, () => now);
        const first = encodeFrame(REQUEST, 1, ['GET', '/a'], 'body');
        const second = encodeFrame(REQUEST, 2, ['GET', '/b'], 'body');

        reader.push(first.subarray(0, 5));
        expect(reader.incompleteSince).toBe(1000);
        now = 2000;
        // More of the same frame: it is still the one that began at 1000.
        reader.push(first.subarray(5, 10));
        expect(reader.incompleteSince).toBe(1000);
        now = 3000;
        // The first completes and the second begins: its own time.
        reader.push(Buffer.concat([first.subarray(10), second.subarray(0, 3)]));
        expect(reader.incompleteSince).toBe(3000);
        reader.push(second.subarray(3));
        expect(reader.incompleteSince).toBeUndefined();
        expect(read).toEqual([1, 2]);
    });

    it('counts a frame too large to read as one frame too', () =>
    {
        let now = 0;
        const tooLarge: number[] = [];
        const reader = new FrameReader(100, () => undefined, (_kind, id) => tooLarge.push(id), () => now);
        const large = encodeFrame(REQUEST, 5, ['POST', '/a'], Buffer.alloc(500));
        reader.push(large.subarray(0, 200));
        expect([reader.incompleteSince, tooLarge]).toEqual([0, [5]]);
        now = 50;
        reader.push(large.subarray(200, 400));
        expect(reader.incompleteSince).toBe(0);
        now = 100;
        reader.push(Buffer.concat([large.subarray(400), encodeFrame(REQUEST, 6, [], undefined).subarray(0, 4)]));
        expect(reader.incompleteSince).toBe(100);
    });
});

const LIMITS: ChannelLimits = { channelIdleTimeout: 300, channelFrameTimeout: 300, maxChannels: 10, maxChannelsPerPeer: 2 };

/** A Node server whose channels answer 200 with the path, and whose plain HTTP requests answer 'over http'. */
async function serve(limits: ChannelLimits = LIMITS): Promise<{ origin: string; port: number; channels: ChannelServer }>
{
    const server: Server = createServer((_request, response) => response.end('over http'));
    const channels = new ChannelServer({ handle: request => Promise.resolve({ status: 200, headers: {}, body: request.path }), bodyLimit: 1_000_000, log: pino({ level: 'silent' }), limits });
    channels.attach(server);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>(resolve => { channels.destroy(); server.close(() => resolve()); }));
    const { port } = server.address() as AddressInfo;
    return { origin: `http://127.0.0.1:${port}`, port, channels };
}

/** A raw upgrade; resolves with the socket once the server answered, and what it answered. */
function upgrade(port: number): Promise<{ socket: Socket; answer: string; closed: Promise<void> }>
{
    return new Promise(resolve =>
    {
        const socket = connect(port, '127.0.0.1', () => socket.write('GET /jitar/channel HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: jitar-rpc/1\r\n\r\n'));
        const closed = new Promise<void>(done => socket.once('close', () => done()));
        socket.on('error', () => undefined);
        socket.once('data', (chunk: Buffer) => resolve({ socket, answer: chunk.toString('latin1'), closed }));
        cleanup.push(() => { socket.destroy(); });
    });
}

describe('a channel server\'s limits', () =>
{
    it('refuses channels past the cap with 429, and a jitar caller then sends over HTTP', async () =>
    {
        const { origin, port, channels } = await serve();
        const first = await upgrade(port);
        const second = await upgrade(port);
        expect([first.answer, second.answer].map(answer => answer.split('\r\n', 1)[0])).toEqual(['HTTP/1.1 101 Switching Protocols', 'HTTP/1.1 101 Switching Protocols']);
        const third = await upgrade(port);
        expect(third.answer).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\n[\s\S]*Too many channels from 127\.0\.0\.1: this service takes 2 from one address; send over HTTP$/);
        expect(channels.size).toBe(2);

        const client = new ChannelClient(5000);
        cleanup.push(() => client.close());
        const answer = await client.send(origin, { method: 'GET', path: '/rpc/a', headers: {} });
        expect(answer.body.toString()).toBe('over http');
    });

    it('cuts a channel whose frame does not complete within the deadline, and frees its place', async () =>
    {
        const { port, channels } = await serve();
        const channel = await upgrade(port);
        const frame = encodeFrame(REQUEST, 1, ['POST', '/rpc/a'], Buffer.alloc(500_000));
        channel.socket.write(frame.subarray(0, 400_000));
        await channel.closed;
        await waitFor(() => channels.size === 0, 'the server to forget the channel');
        expect((await upgrade(port)).answer).toMatch(/^HTTP\/1\.1 101/);
    });

    it('keeps a channel that sends its frames slowly but completely', async () =>
    {
        const { port } = await serve({ ...LIMITS, channelFrameTimeout: 1000, channelIdleTimeout: 5000 });
        const channel = await upgrade(port);
        const answers: Buffer[] = [];
        channel.socket.on('data', (chunk: Buffer) => answers.push(chunk));
        // Frames in two halves 50 ms apart: 2 s in all, past the 1 s deadline, but no frame takes that long
        // (20 times the gap, for a loaded machine).
        for (let id = 1; id <= 20; id++)
        {
            const frame = encodeFrame(REQUEST, id, ['GET', `/rpc/${id}`], undefined);
            channel.socket.write(frame.subarray(0, 10));
            await new Promise(resolve => setTimeout(resolve, 50));
            channel.socket.write(frame.subarray(10));
            await new Promise(resolve => setTimeout(resolve, 50));
        }
        await waitFor(() => Buffer.concat(answers).includes('/rpc/20'), 'the last answer');
        expect(channel.socket.destroyed).toBe(false);
    });

    it('tells an idle channel to go away; the caller closes it and opens a new one when it needs one', async () =>
    {
        const { origin, channels } = await serve();
        const client = new ChannelClient(5000);
        cleanup.push(() => client.close());
        expect((await client.send(origin, { method: 'GET', path: '/rpc/first', headers: {} })).body.toString()).toBe('/rpc/first');
        expect(channels.size).toBe(1);
        await waitFor(() => channels.size === 0, 'the idle channel to be closed by its caller');
        expect((await client.send(origin, { method: 'GET', path: '/rpc/again', headers: {} })).body.toString()).toBe('/rpc/again');
        expect(channels.size).toBe(1);
    });

    it('does not count a channel waiting for its answers as idle', async () =>
    {
        let release: () => void = () => undefined;
        const server: Server = createServer();
        const channels = new ChannelServer({
            handle: request => new Promise(resolve => { release = () => resolve({ status: 200, headers: {}, body: request.path }); }),
            bodyLimit: 1000, log: pino({ level: 'silent' }), limits: LIMITS
        });
        channels.attach(server);
        await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
        cleanup.push(() => new Promise<void>(resolve => { channels.destroy(); server.close(() => resolve()); }));
        const client = new ChannelClient(10_000);
        cleanup.push(() => client.close());

        const answer = client.send(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { method: 'GET', path: '/rpc/slow', headers: {} });
        // Three idle periods pass while the handler holds the answer.
        await new Promise(resolve => setTimeout(resolve, 1000));
        expect(channels.size).toBe(1);
        release();
        expect((await answer).body.toString()).toBe('/rpc/slow');
    });
});
