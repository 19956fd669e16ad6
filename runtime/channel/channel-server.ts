import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import { Channel, CHANNEL_PATH, CHANNEL_PROTOCOL } from './channel.js';
import { ANSWER, encodeFrame, GOING_AWAY, pushHeaders, REQUEST, type Frame } from './frames.js';
import { CONNECTION_DEFAULTS, type ConnectionSettings } from '../services/service-config.js';
import type { Logger } from '../logging/service-logger.js';
import { ChannelAdmission } from './channel-admission.js';

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
    /** Deadlines and caps (the service file's root `connections`); CONNECTION_DEFAULTS when absent. */
    limits?: ChannelLimits;
}

export type ChannelLimits = Pick<ConnectionSettings, 'channelIdleTimeout' | 'channelFrameTimeout' | 'maxChannels' | 'maxChannelsPerPeer'>;

/** What the server keeps per channel it serves. */
interface Served
{
    /** Requests taken and not yet answered: a channel waiting for its answers is not idle. */
    inFlight: number;
    /** Told to go away for being idle: the next idle period cuts it. */
    goingAway: boolean;
}

/**
 * The serving side of channels: a gateway or a worker upgrades a connection to this process's HTTP port
 * (`GET /jitar/channel`, `Upgrade: jitar-rpc/1`) and sends requests over it as frames, which the handler
 * answers (channel-rpc.ts on a worker, forwarding.ts on a gateway).
 */
export class ChannelServer
{
    readonly #channels = new Map<Channel, Served>();
    readonly #options: ChannelServerOptions;
    readonly #limits: ChannelLimits;
    readonly #admission: ChannelAdmission;
    /** Looks for unfinished frames past their deadline; runs while there are channels. */
    #sweep: NodeJS.Timeout | undefined;
    #stopping = false;
    #stopped: (() => void) | undefined;

    constructor(options: ChannelServerOptions)
    {
        this.#options = options;
        this.#limits = options.limits ?? CONNECTION_DEFAULTS;
        this.#admission = new ChannelAdmission(this.#limits);
    }

    /** Channels open now. */
    get size(): number
    {
        return this.#channels.size;
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
        const address = socket.remoteAddress ?? '?';
        const refusal = this.#admission.admit(address);
        if (refusal !== undefined)
        {
            // Not 503: to a jitar caller that means "stopping, send elsewhere"; this one sends over HTTP instead.
            refuse(socket, 429, refusal);
            return;
        }
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: ${CHANNEL_PROTOCOL}\r\n\r\n`);
        const peer = `${address}:${socket.remotePort ?? '?'}`;
        this.#options.log.info(`Channel from ${peer} opened`);
        const served: Served = { inFlight: 0, goingAway: false };
        const channel: Channel = new Channel(socket, { maxFrameLength: this.#options.bodyLimit + HEAD_ALLOWANCE, readsWaitForWrites: true }, {
            onFrame: frame => this.#onFrame(channel, served, frame),
            onTooLarge: (kind, id) =>
            {
                if (kind === REQUEST) channel.send(answerFrame(id, text(413, 'Request body is too large')));
            },
            onClose: error =>
            {
                this.#options.log.info(`Channel from ${peer} closed${error === undefined ? '' : `: ${error.message}`}`);
                this.#channels.delete(channel);
                this.#admission.release(address);
                if (this.#channels.size === 0)
                {
                    this.#stopSweep();
                    this.#stopped?.();
                }
            }
        });
        this.#channels.set(channel, served);
        // Not setTimeout's callback, which Node calls once only: every idle period counts.
        socket.on('timeout', () =>
        {
            // A timeout that fired is armed again only by traffic: this arms it for the next period in any case.
            socket.setTimeout(this.#limits.channelIdleTimeout);
            this.#idle(channel, served, peer);
        });
        socket.setTimeout(this.#limits.channelIdleTimeout);
        this.#sweep ??= this.#startSweep();
        if (head.length > 0) channel.receive(head);
    }

    /**
     * A channel with no traffic for the idle timeout: one with requests in flight waits for their answers;
     * one without is told to go away (its caller closes it, and makes a new one when it needs one), and cut
     * if it is still idle one period later.
     */
    #idle(channel: Channel, served: Served, peer: string): void
    {
        if (served.inFlight > 0) return;
        if (served.goingAway)
        {
            channel.destroy(new Error(`still idle ${this.#limits.channelIdleTimeout} ms after it was told to go away`));
            return;
        }
        served.goingAway = true;
        this.#options.log.info(`Channel from ${peer} idle for ${this.#limits.channelIdleTimeout} ms: told to go away`);
        channel.send(encodeFrame(GOING_AWAY, 0, [], undefined));
    }

    #startSweep(): NodeJS.Timeout
    {
        const deadline = this.#limits.channelFrameTimeout;
        const sweep = setInterval(() =>
        {
            const now = Date.now();
            for (const channel of this.#channels.keys())
            {
                const since = channel.incompleteSince;
                if (since !== undefined && now - since > deadline) channel.destroy(new Error(`no complete frame within ${deadline} ms`));
            }
        }, Math.max(10, Math.min(1000, Math.floor(deadline / 10))));
        sweep.unref();
        return sweep;
    }

    #stopSweep(): void
    {
        clearInterval(this.#sweep);
        this.#sweep = undefined;
    }

    #onFrame(channel: Channel, served: Served, frame: Frame): void
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
        served.inFlight++;
        answer.then(
            answer =>
            {
                served.inFlight--;
                channel.send(answerFrame(frame.id, answer));
            },
            (error: unknown) =>
            {
                served.inFlight--;
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
        for (const channel of this.#channels.keys()) channel.send(encodeFrame(GOING_AWAY, 0, [], undefined));
        return stopped;
    }

    /** Cuts the channels of callers that did not close theirs in time. */
    destroy(): void
    {
        for (const channel of this.#channels.keys()) channel.destroy();
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

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 429: 'Too Many Requests', 503: 'Service Unavailable' };

function refuse(socket: Socket, status: number, message: string): void
{
    socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\nconnection: close\r\n\r\n${message}`);
}
