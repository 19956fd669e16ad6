import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import querystring from 'fast-querystring';

import { Channel, CHANNEL_PATH, CHANNEL_PROTOCOL } from '../channel/channel.js';
import { ANSWER, encodeFrame, GOING_AWAY, REQUEST, type Frame } from '../channel/frames.js';
import type { RpcAnswer, RpcHandler } from '../rpc/rpc-handler.js';
import type { Logger } from '../services/service-logger.js';
import { BodyError, headersOf, parseBody, rawHeader, toRpcCall } from './rpc-request.js';

export interface ChannelServerOptions
{
    rpc: Pick<RpcHandler, 'handle'>;
    bodyLimit: number;
    log: Logger;
}

/**
 * The serving side of channels: a gateway or another worker upgrades a connection to this process's
 * HTTP port (`GET /jitar/channel`, `Upgrade: jitar-rpc/1`) and sends RPC requests over it as frames.
 * Each request gets the answer the same request over HTTP would get.
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
        this.#answer(frame).then(
            answer => channel.send(answerFrame(frame.id, answer)),
            (error: unknown) =>
            {
                this.#options.log.error({ err: error }, 'channel request failed');
                channel.send(answerFrame(frame.id, text(500, 'Internal server error')));
            });
    }

    #answer(frame: Frame): Promise<RpcAnswer>
    {
        const [method, path] = frame.head;
        const rawHeaders = frame.head.slice(2);
        if (path === undefined || !path.startsWith(RPC_PREFIX) || !RPC_METHODS.has(method)) return Promise.resolve(text(404, 'Not found'));
        if (frame.body.length > this.#options.bodyLimit) return Promise.resolve(text(413, 'Request body is too large'));

        const queryAt = path.indexOf('?');
        let fqn: string;
        try
        {
            fqn = decodeURIComponent(path.slice(RPC_PREFIX.length, queryAt === -1 ? undefined : queryAt));
        }
        catch
        {
            return Promise.resolve(text(400, 'The procedure name in the URL is not valid percent-encoding'));
        }
        const query = queryAt === -1 ? {} : querystring.parse(path.slice(queryAt + 1)) as Record<string, unknown>;
        let body: unknown;
        if (method === 'POST')
        {
            try
            {
                body = parseBody(rawHeader(rawHeaders, 'content-type'), frame.body);
            }
            catch (error)
            {
                if (error instanceof BodyError) return Promise.resolve(text(error.statusCode, error.message));
                throw error;
            }
        }

        let headers: Record<string, string | string[]> | undefined;
        const call = toRpcCall(fqn, { method, query, rawHeaders, headers: () => headers ??= headersOf(rawHeaders), body });
        if (typeof call === 'string') return Promise.resolve(text(400, call));
        return this.#options.rpc.handle(call);
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

const RPC_PREFIX = '/rpc/';
const RPC_METHODS = new Set(['GET', 'POST', 'OPTIONS']);

/** Room for a request's method, path and headers in a frame, beside a body of the body limit. */
const HEAD_ALLOWANCE = 64 * 1024;

function text(status: number, message: string): RpcAnswer
{
    return { status, headers: { 'content-type': 'text/plain' }, body: message };
}

function answerFrame(id: number, answer: RpcAnswer): Buffer
{
    const head = [String(answer.status)];
    for (const name in answer.headers) head.push(name, answer.headers[name]);
    return encodeFrame(ANSWER, id, head, answer.body);
}

function refuse(socket: Socket, status: number, message: string): void
{
    socket.end(`HTTP/1.1 ${status} ${status === 503 ? 'Service Unavailable' : 'Bad Request'}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\nconnection: close\r\n\r\n${message}`);
}
