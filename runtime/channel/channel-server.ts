import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import { Channel } from './channel.js';
import { ChannelAdmission } from './channel-admission.js';
import { REQUEST, type Frame } from './frames.js';
import { acceptUpgrade, CHANNEL_PATH, CHANNEL_PROTOCOL, isChannelUpgrade, refuseUpgrade } from './handshake.js';
import { HEAD_ALLOWANCE, type ChannelLimits } from './limits.js';
import { answerFrame, goingAwayFrame, readRequest, text, type ChannelRequestHandler } from './messages.js';

/** What the server logs: channels opened and closed, and requests its handler failed. */
export interface ChannelServerLog
{
    info(message: string): void;
    error(details: { err: unknown }, message: string): void;
}

export interface ChannelServerOptions
{
    handle: ChannelRequestHandler;
    /** Bodies beyond it are answered 413, unread. */
    bodyLimit: number;
    log: ChannelServerLog;
    /** Deadlines and caps (the service file's root `connections`). */
    limits: ChannelLimits;
}

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
        this.#limits = options.limits;
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
        if (!isChannelUpgrade(request))
        {
            refuseUpgrade(socket, 400, `This server upgrades only ${CHANNEL_PATH} to ${CHANNEL_PROTOCOL}`);
            return;
        }
        // A stopping process takes no new channel: the caller sends the request elsewhere.
        if (this.#stopping)
        {
            refuseUpgrade(socket, 503, 'Stopping');
            return;
        }
        const address = socket.remoteAddress ?? '?';
        const refusal = this.#admission.admit(address);
        if (refusal !== undefined)
        {
            // Not 503: to a jitar caller that means "stopping, send elsewhere"; this one sends over HTTP instead.
            refuseUpgrade(socket, 429, refusal);
            return;
        }
        acceptUpgrade(socket);
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
        channel.send(goingAwayFrame());
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
        const request = readRequest(frame);
        const answer = request === undefined
            ? Promise.resolve(text(400, 'A request frame needs a method, a path and pairs of header names and values'))
            : request.body.length > this.#options.bodyLimit
                ? Promise.resolve(text(413, 'Request body is too large'))
                : this.#options.handle(request);
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
        for (const channel of this.#channels.keys()) channel.send(goingAwayFrame());
        return stopped;
    }

    /** Cuts the channels of callers that did not close theirs in time. */
    destroy(): void
    {
        for (const channel of this.#channels.keys()) channel.destroy();
    }
}
