import { InvalidPeerAnswer, RemoteCallFailed, RemoteCallTimedOut } from '../errors.js';
import { HttpClient } from '../transport/http-client.js';
import { ConnectionRefused, type HttpAnswer, type HttpRequest, type Transport } from '../transport/transport.js';
import { Channel } from './channel.js';
import { ANSWER, GOING_AWAY, type Frame } from './frames.js';
import { MAX_UPGRADE_WAIT, requestUpgrade } from './handshake.js';
import { InFlight } from './in-flight.js';
import { MAX_ANSWER } from './limits.js';
import { readAnswerHead, requestFrame } from './messages.js';

/**
 * Requests to other jitar processes over channels: one connection per origin carrying many requests at
 * once (runtime/channel). A gateway pays one system call per batch of requests to a worker instead of
 * two per request. Origins that do not take channels (another server) get HTTP. An https origin's channel
 * is upgraded from an https request: TLS, with the certificate checked as for HTTP.
 *
 * Failures mean what they mean over HTTP: a channel that could not be made sent nothing (ConnectionRefused,
 * safe to send elsewhere); a channel that breaks fails the requests on it (RemoteCallFailed, 502); a request
 * not answered in time fails with RemoteCallTimedOut (504).
 */
export class ChannelClient implements Transport
{
    /** The channel that takes new requests, per origin. */
    readonly #current = new Map<string, OutgoingChannel>();
    /** Every channel not yet closed, draining ones included. */
    readonly #open = new Set<OutgoingChannel>();
    /** Origins that answered the upgrade without a channel. */
    readonly #httpOnly = new Set<string>();
    readonly #http: HttpClient;
    readonly #timeout: number;
    readonly #ca: Buffer | undefined;
    readonly #sweep: NodeJS.Timeout;

    readonly #onPeerFault: PeerFaultListener;

    /**
     * `timeout`: milliseconds a process may take to answer before the request fails (504). `ca`: the
     * certificates that https origins must be signed by, instead of Node's default ones. `onPeerFault`:
     * told of each answer refused because the other process sent what cannot be passed on.
     */
    constructor(timeout: number, ca?: Buffer, onPeerFault: PeerFaultListener = () => undefined)
    {
        this.#timeout = timeout;
        this.#ca = ca;
        this.#onPeerFault = onPeerFault;
        this.#http = new HttpClient(timeout, ca);
        // One timer for all requests: a timer each would cost more than the request.
        this.#sweep = setInterval(() =>
        {
            const now = Date.now();
            for (const channel of this.#open) channel.expire(now);
        }, Math.min(1000, Math.max(10, timeout / 10)));
        this.#sweep.unref();
    }

    send(origin: string, request: HttpRequest): Promise<HttpAnswer>
    {
        if (this.#httpOnly.has(origin)) return this.#http.send(origin, request);
        let channel = this.#current.get(origin);
        if (channel === undefined)
        {
            channel = new OutgoingChannel(origin, this.#timeout, this.#ca, {
                closed: gone =>
                {
                    this.#open.delete(gone);
                    if (this.#current.get(origin) === gone) this.#current.delete(origin);
                },
                goingAway: gone =>
                {
                    if (this.#current.get(origin) === gone) this.#current.delete(origin);
                },
                httpOnly: () => this.#httpOnly.add(origin),
                peerFault: this.#onPeerFault,
                http: this.#http
            });
            this.#current.set(origin, channel);
            this.#open.add(channel);
        }
        return channel.request(request);
    }

    async close(): Promise<void>
    {
        clearInterval(this.#sweep);
        this.#current.clear();
        await Promise.all([...this.#open].map(channel => channel.close()));
        await this.#http.close();
    }
}

interface Waiting
{
    request: HttpRequest;
    resolve: (answer: HttpAnswer) => void;
    reject: (error: Error) => void;
    deadline: number;
}

/** Told which process sent an answer that was refused, and why. */
export type PeerFaultListener = (origin: string, problem: string) => void;

interface OutgoingChannelHooks
{
    peerFault: PeerFaultListener;
    closed(channel: OutgoingChannel): void;
    goingAway(channel: OutgoingChannel): void;
    /** The origin answered the upgrade with something else than a channel. */
    httpOnly(): void;
    http: HttpClient;
}

/** One channel to one origin, from its upgrade to its close. */
class OutgoingChannel
{
    readonly #origin: string;
    readonly #timeout: number;
    readonly #ca: Buffer | undefined;
    readonly #hooks: OutgoingChannelHooks;
    #state: 'connecting' | 'open' | 'draining' | 'closed' = 'connecting';
    #channel: Channel | undefined;
    /** Requests made while the channel is being made. */
    #queued: Waiting[] = [];
    readonly #inFlight = new InFlight<Waiting>();
    #closing = false;
    #whenClosed: (() => void)[] = [];

    constructor(origin: string, timeout: number, ca: Buffer | undefined, hooks: OutgoingChannelHooks)
    {
        this.#origin = origin;
        this.#timeout = timeout;
        this.#ca = ca;
        this.#hooks = hooks;
        this.#connect();
    }

    request(request: HttpRequest): Promise<HttpAnswer>
    {
        return new Promise((resolve, reject) =>
        {
            const waiting: Waiting = { request, resolve, reject, deadline: Date.now() + this.#timeout };
            if (this.#state === 'open') this.#send(waiting);
            else this.#queued.push(waiting);
        });
    }

    #send(waiting: Waiting): void
    {
        const id = this.#inFlight.add(waiting);
        this.#channel?.send(requestFrame(id, waiting.request));
    }

    #connect(): void
    {
        const upgrade = requestUpgrade(this.#origin, this.#timeout, this.#ca);
        upgrade.on('upgrade', (_response, socket, head: Buffer) =>
        {
            socket.setTimeout(0);
            this.#channel = new Channel(socket, { maxFrameLength: MAX_ANSWER }, {
                onFrame: frame => this.#onFrame(frame),
                onTooLarge: (_kind, id) => this.#settle(id, waiting => waiting.reject(new RemoteCallFailed(`The answer from ${this.#origin} is larger than ${MAX_ANSWER} bytes`))),
                onClose: error => this.#onClose(error)
            });
            this.#state = 'open';
            const queued = this.#queued;
            this.#queued = [];
            for (const waiting of queued) this.#send(waiting);
            if (this.#closing) this.#state = 'draining';
            if (head.length > 0) this.#channel.receive(head);
            this.#endWhenIdle();
        });
        upgrade.on('response', response =>
        {
            response.resume();
            const queued = this.#notMade();
            // A stopping jitar process takes no new channel: nothing was sent, so the request may go elsewhere.
            if (response.statusCode === 503)
            {
                for (const waiting of queued) waiting.reject(new ConnectionRefused(this.#origin));
                return;
            }
            this.#hooks.httpOnly();
            for (const waiting of queued) this.#hooks.http.send(this.#origin, waiting.request).then(waiting.resolve, waiting.reject);
        });
        upgrade.on('timeout', () => upgrade.destroy(new Error(`No answer to the channel upgrade within ${Math.min(this.#timeout, MAX_UPGRADE_WAIT)} ms`)));
        upgrade.on('error', error =>
        {
            if (this.#state !== 'connecting') return;
            for (const waiting of this.#notMade()) waiting.reject(new ConnectionRefused(this.#origin, { cause: error }));
        });
    }

    /** The channel will not be made: gives the requests that waited for it. */
    #notMade(): Waiting[]
    {
        this.#state = 'closed';
        this.#hooks.closed(this);
        const queued = this.#queued;
        this.#queued = [];
        this.#closedNow();
        return queued;
    }

    #onFrame(frame: Frame): void
    {
        if (frame.kind === ANSWER)
        {
            this.#settle(frame.id, waiting =>
            {
                const head = readAnswerHead(frame.head);
                if (typeof head === 'string')
                {
                    this.#hooks.peerFault(this.#origin, head);
                    waiting.reject(new InvalidPeerAnswer(this.#origin, head));
                }
                else waiting.resolve({ status: head.status, headers: head.headers, body: frame.body });
            });
        }
        else if (frame.kind === GOING_AWAY)
        {
            this.#state = 'draining';
            this.#hooks.goingAway(this);
            this.#endWhenIdle();
        }
        else
        {
            this.#channel?.destroy(new Error(`Unexpected frame kind ${frame.kind} from ${this.#origin}`));
        }
    }

    #settle(id: number, settle: (waiting: Waiting) => void): void
    {
        const waiting = this.#inFlight.take(id);
        // Answers to requests that timed out are dropped.
        if (waiting === undefined) return;
        settle(waiting);
        this.#endWhenIdle();
    }

    #endWhenIdle(): void
    {
        if (this.#state === 'draining' && this.#inFlight.size === 0) this.#channel?.end();
    }

    #onClose(error: Error | undefined): void
    {
        this.#state = 'closed';
        this.#hooks.closed(this);
        const reason = error?.message ?? 'the connection closed';
        for (const waiting of this.#inFlight.takeAll()) waiting.reject(new RemoteCallFailed(`The connection to ${this.#origin} failed during the request: ${reason}`, { cause: error }));
        this.#closedNow();
    }

    #closedNow(): void
    {
        for (const done of this.#whenClosed) done();
        this.#whenClosed = [];
    }

    expire(now: number): void
    {
        for (const id of this.#inFlight.ids())
        {
            if ((this.#inFlight.get(id)?.deadline ?? Infinity) <= now) this.#settle(id, late => late.reject(new RemoteCallTimedOut(`${this.#origin} did not answer within ${this.#timeout} ms`)));
        }
    }

    /** Takes no new requests, lets those in flight finish, then closes. */
    close(): Promise<void>
    {
        if (this.#state === 'closed') return Promise.resolve();
        const closed = new Promise<void>(resolve => this.#whenClosed.push(resolve));
        this.#closing = true;
        if (this.#state === 'open') this.#state = 'draining';
        this.#endWhenIdle();
        return closed;
    }
}
