import { connect, credsAuthenticator, errors, nkeyAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';

import { BrokerUnavailable, MessageTooLarge, RemoteCallFailed, RemoteCallTimedOut } from '../errors.js';
import { Requester, type RequestOutcome } from './requester.js';
import { wantsTls, type NatsAuth, type NatsSettings } from './settings.js';

/** What the connection tells the service's log. */
export interface NatsLog
{
    info(message: string): void;
    warn(message: string): void;
}

/** No process subscribes to the subject: nobody serves this procedure version now. */
export class NoResponders extends Error {}

/** How often request deadlines are checked (ms): a request times out at most this much late. */
const SWEEP_EVERY = 100;

/** How long the client waits between two attempts to reach a server again; it tries for ever. */
const RECONNECT_WAIT = 250;

/**
 * How long one attempt to connect may take (ms), TLS and authentication included. Bounds a start that
 * the server leaves hanging: over TLS 1.3 a server that wants a client certificate drops a client
 * without one after the handshake, which the client notices only by this timeout.
 */
const CONNECT_TIMEOUT = 10_000;

/**
 * One client connection to the NATS servers, shared by everything a process does over NATS. It
 * reconnects for ever when the servers go away (subscriptions are made again by the client); while it
 * is down, requests fail at once with a 503 instead of waiting for their timeout.
 */
export class NatsLink
{
    readonly connection: NatsConnection;
    readonly settings: NatsSettings;
    readonly #requester: Requester;
    #connected = true;

    private constructor(connection: NatsConnection, settings: NatsSettings, log: NatsLog, key: string)
    {
        this.connection = connection;
        this.settings = settings;
        this.#requester = new Requester(connection, SWEEP_EVERY);
        void this.#watch(log, key);
    }

    /**
     * Connects, or throws naming the servers it could not reach. The first connection is tried once per
     * server (the client retries only after it has been connected), so refused credentials end the start
     * at once. `key` is the service file's key (`worker.nats`) that messages name.
     */
    static async open(settings: NatsSettings, name: string, log: NatsLog, key: string): Promise<NatsLink>
    {
        try
        {
            const connection = await connect(connectOptions(settings, name));
            log.info(`Connected to NATS at ${connection.getServer()} (subjects ${settings.prefix}.*${settings.auth === undefined ? '' : `, as ${AUTH_NAMES[settings.auth.kind]}`})`);
            return new NatsLink(connection, settings, log, key);
        }
        catch (error)
        {
            // Only the servers, the key and the client's message: never a secret of the settings.
            const reason = error instanceof errors.AuthorizationError ? authorizationFailure(settings.auth, key)
                : error instanceof errors.TimeoutError ? connectTimeout(settings, key)
                    : error instanceof Error ? error.message : String(error);
            throw new Error(`Could not connect to the NATS servers ${settings.servers.join(', ')}: ${reason}`, { cause: error });
        }
    }

    get connected(): boolean
    {
        return this.#connected && !this.connection.isClosed();
    }

    /** The largest message the server takes. */
    get maxPayload(): number
    {
        return this.connection.info?.max_payload ?? 1024 * 1024;
    }

    /**
     * Sends a request and gives the answer's bytes. Throws NoResponders when nobody serves the subject,
     * BrokerUnavailable while the connection is down, MessageTooLarge, RemoteCallTimedOut after
     * `timeout` ms without an answer (the worker that took it died, or is too slow), RemoteCallFailed else.
     */
    async request(subject: string, payload: Uint8Array, timeout: number, what: string): Promise<Uint8Array>
    {
        if (!this.connected) throw new BrokerUnavailable(`The connection to NATS is down (reconnecting); '${what}' cannot be sent now, try again`);
        if (payload.length > this.maxPayload) throw new MessageTooLarge(`The request for '${what}' is ${payload.length} bytes; the NATS server takes at most ${this.maxPayload} bytes per message (its max_payload)`);
        let outcome: RequestOutcome;
        try
        {
            outcome = await this.#requester.request(subject, payload, timeout);
        }
        catch (error)
        {
            throw publishFailure(error, what);
        }
        switch (outcome.kind)
        {
            case 'answer': return outcome.data;
            case 'no-responders': throw new NoResponders(what);
            case 'timeout': throw new RemoteCallTimedOut(`No answer over NATS for '${what}' within ${timeout} ms`);
            case 'broken': throw new RemoteCallFailed(`The connection to NATS broke while '${what}' was on its way; it may have run`);
        }
    }

    /** Lets subscriptions finish what they received, then closes. */
    async drain(): Promise<void>
    {
        this.#requester.close();
        if (this.connection.isClosed() || this.connection.isDraining()) return this.connection.closed().then(() => undefined);
        await this.connection.drain();
    }

    async #watch(log: NatsLog, key: string): Promise<void>
    {
        // Told once per outage: the client tries again every RECONNECT_WAIT ms.
        let refusalTold = false;
        for await (const status of this.connection.status())
        {
            if (status.type === 'disconnect')
            {
                this.#connected = false;
                this.#requester.breakAll();
                log.warn(`Disconnected from NATS at ${status.server}; reconnecting`);
            }
            else if (status.type === 'reconnect')
            {
                this.#connected = true;
                refusalTold = false;
                log.info(`Reconnected to NATS at ${status.server}`);
            }
            else if (status.type === 'error' && status.error instanceof errors.AuthorizationError && !refusalTold)
            {
                refusalTold = true;
                log.warn(`Could not reconnect to NATS: ${authorizationFailure(this.settings.auth, key)}; trying again until it is accepted`);
            }
        }
    }
}

/** How each way of authenticating is named in logs and messages (never its value). */
const AUTH_NAMES: Readonly<Record<NatsAuth['kind'], string>> = {
    user: 'the user and password',
    token: 'the token',
    nkey: 'the nkey',
    credentials: 'the credentials'
};

/** The client's options: the servers, how to reconnect, and the settings' authentication and TLS. */
export function connectOptions(settings: NatsSettings, name: string): NodeConnectionOptions
{
    return {
        servers: [...settings.servers], name, maxReconnectAttempts: -1, reconnectTimeWait: RECONNECT_WAIT, reconnectJitter: 50, timeout: CONNECT_TIMEOUT,
        // Once connected, refused credentials do not close the connection for good (the client's default
        // after two refusals): a server whose users are being changed takes them again, and the service
        // must come back by itself then, as after any outage. A first connection refused still fails at once.
        ignoreAuthErrorAbort: true,
        // Without async traces, the client does not make an Error (and its stack) for every request
        // in case it fails: a cost that shows at a gateway's rate. Our failures say what failed themselves.
        noAsyncTraces: true,
        ...authOptions(settings.auth),
        // A tls:// server must be spoken to over TLS: without the option the client takes TLS when the
        // server offers it, and goes on in plain text with one that does not.
        ...wantsTls(settings) ? { tls: { ...settings.tls } } : {}
    };
}

function authOptions(auth: NatsAuth | undefined): Partial<NodeConnectionOptions>
{
    switch (auth?.kind)
    {
        case undefined: return {};
        case 'user': return { user: auth.user, pass: auth.password };
        case 'token': return { token: auth.token };
        case 'nkey': return { authenticator: nkeyAuthenticator(auth.seed) };
        case 'credentials': return { authenticator: credsAuthenticator(auth.creds) };
    }
}

/** The one line that says the servers refused us, naming the key (not what it holds). */
function authorizationFailure(auth: NatsAuth | undefined, key: string): string
{
    if (auth === undefined) return `authorization failed: the server requires authentication, and '${key}' gives none (add 'user' and 'password', 'token', 'nkey' or 'credentials')`;
    return `authorization failed: the server refused ${AUTH_NAMES[auth.kind]} of '${key}'`;
}

/** A connection that did not complete in time, with the likely cause when the client shows no certificate. */
function connectTimeout(settings: NatsSettings, key: string): string
{
    const hint = wantsTls(settings) && settings.tls?.cert === undefined
        ? `; a server that verifies client certificates (mutual TLS) drops a client without one this way: give 'cert' and 'key' in '${key}'`
        : '';
    return `the connection did not complete within ${CONNECT_TIMEOUT / 1000} s${hint}`;
}

/** Why a request could not even be sent. */
function publishFailure(error: unknown, what: string): Error
{
    if (error instanceof errors.ClosedConnectionError || error instanceof errors.DrainingConnectionError)
    {
        return new BrokerUnavailable(`The connection to NATS is closing; '${what}' was not sent`);
    }
    return new RemoteCallFailed(`The request for '${what}' could not be sent over NATS: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
