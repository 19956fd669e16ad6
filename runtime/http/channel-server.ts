import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import { Channel, CHANNEL_PATH, CHANNEL_PROTOCOL } from '../channel/channel.js';
import { ANSWER, encodeFrame, GOING_AWAY, pushHeaders, REQUEST, type Frame } from '../channel/frames.js';
import type { Logger } from '../services/service-logger.js';

/** A request that came over a channel: an HTTP request in all but transport. */
export interface ChannelRequest
{
    method: string;
    /** Path and query string. */
    path: string;
    /** Names as sent, then values, as Node's rawHeaders. */
    rawHeaders: string[];
    body: Buffer;
}

export interface ChannelAnswer
{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string | Buffer;
}

/** Answers a request; rejects only for a fault of the server (answered 500 and logged). */
export type ChannelRequestHandler = (request: ChannelRequest) => Promise<ChannelAnswer>;

export interface ChannelServerOptions
{
    handle: ChannelRequestHandler;
    /** Bodies beyond it are answered 413, unread. */
    bodyLimit: number;
    log: Logger;
}

/**
 * The serving side of channels: a gateway or a worker upgrades a connection to this process's HTTP port
 * (`GET /jitar/channel`, `Upgrade: jitar-rpc/1`) and sends requests over it as frames, which the handler
 * answers (channel-rpc.ts on a worker, forwarding.ts on a gateway).
 */
export class ChannelServer
{
    readonly #channels = new Set<Channel>();
    readonly #options: ChannelServerOptions;
    #stopping = false;
    #stopped: (() => void) | undefined;

    constructor(options: ChannelServerOptions)
    {
        this.#options = options;
    }

    attach(server: Server): void
    {
        // Node types the socket as a Duplex; an HTTP server's connections are net.Sockets.
        server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(request, socket as Socket, head));
    }

    #upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void
    {
        if (request.url !== CHANNEL_PATH || request.headers.upgrade?.toLowerCase() !== CHANNEL_PROTOCOL)
        {
            refuse(socket, 400, `This server upgrades only ${CHANNEL_PATH} to ${CHANNEL_PROTOCOL}`);
            return;
        }
        // A stopping process takes no new channel: the caller sends the request elsewhere.
        if (this.#stopping)
        {
            refuse(socket, 503, 'Stopping');
            return;
        }
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: ${CHANNEL_PROTOCOL}\r\n\r\n`);
        const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
        this.#options.log.info(`Channel from ${peer} opened`);
        const channel: Channel = new Channel(socket, { maxFrameLength: this.#options.bodyLimit + HEAD_ALLOWANCE, readsWaitForWrites: true }, {
            onFrame: frame => this.#onFrame(channel, frame),
            onTooLarge: (kind, id) =>
            {
                if (kind === REQUEST) channel.send(answerFrame(id, text(413, 'Request body is too large')));
            },
            onClose: error =>
            {
                this.#options.log.info(`Channel from ${peer} closed${error === undefined ? '' : `: ${error.message}`}`);
                this.#channels.delete(channel);
                if (this.#channels.size === 0) this.#stopped?.();
            }
        });
        this.#channels.add(channel);
        if (head.length > 0) channel.receive(head);
    }

    #onFrame(channel: Channel, frame: Frame): void
    {
        if (frame.kind !== REQUEST)
        {
            channel.destroy(new Error(`Unexpected frame kind ${frame.kind} from a caller`));
            return;
        }
        const [method, path] = frame.head;
        const rawHeaders = frame.head.slice(2);
        const answer = path === undefined || frame.head.length % 2 !== 0
            ? Promise.resolve(text(400, 'A request frame needs a method, a path and pairs of header names and values'))
            : frame.body.length > this.#options.bodyLimit
                ? Promise.resolve(text(413, 'Request body is too large'))
                : this.#options.handle({ method, path, rawHeaders, body: frame.body });
        answer.then(
            answer => channel.send(answerFrame(frame.id, answer)),
            (error: unknown) =>
            {
                this.#options.log.error({ err: error }, 'channel request failed');
                channel.send(answerFrame(frame.id, text(500, 'Internal server error')));
            });
    }

    /**
     * Tells every caller that this process stops: they send no more requests and close their channel once
     * their requests are answered. Resolves when all channels are closed.
     */
    drain(): Promise<void>
    {
        this.#stopping = true;
        if (this.#channels.size === 0) return Promise.resolve();
        const stopped = new Promise<void>(resolve => { this.#stopped = resolve; });
        for (const channel of this.#channels) channel.send(encodeFrame(GOING_AWAY, 0, [], undefined));
        return stopped;
    }

    /** Cuts the channels of callers that did not close theirs in time. */
    destroy(): void
    {
        for (const channel of this.#channels) channel.destroy();
    }
}

/** Room for a request's method, path and headers in a frame, beside a body of the body limit. */
const HEAD_ALLOWANCE = 64 * 1024;

export function text(status: number, message: string): ChannelAnswer
{
    return { status, headers: { 'content-type': 'text/plain' }, body: message };
}

function answerFrame(id: number, answer: ChannelAnswer): Buffer
{
    return encodeFrame(ANSWER, id, pushHeaders([String(answer.status)], answer.headers), answer.body);
}

function refuse(socket: Socket, status: number, message: string): void
{
    socket.end(`HTTP/1.1 ${status} ${status === 503 ? 'Service Unavailable' : 'Bad Request'}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\nconnection: close\r\n\r\n${message}`);
}
