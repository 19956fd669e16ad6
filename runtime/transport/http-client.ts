import { Pool } from 'undici';

import { RemoteCallFailed, RemoteCallTimedOut } from '../errors.js';
import { isCertificateRejection } from './tls-rejection.js';
import { ConnectionRefused, type HttpAnswer, type HttpRequest, type Transport } from './transport.js';

/**
 * HTTP between the processes of a cluster: pooled keep-alive connections per origin (undici), its
 * failures sorted as transport.ts says.
 */

/** Codes of failures before anything was sent: no connection, or a pool closed before it sent the request. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CLOSED']);
const TIMED_OUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export class HttpClient implements Transport
{
    /** One pool of keep-alive connections per origin (an Agent would look the pool up on every request). */
    readonly #pools = new Map<string, Pool>();
    readonly #timeout: number;
    readonly #ca: Buffer | undefined;

    /**
     * `timeout`: milliseconds a process may take to answer before the request fails (504). `ca`: the
     * certificates that https origins must be signed by, instead of Node's default ones.
     */
    constructor(timeout: number, ca?: Buffer)
    {
        this.#timeout = timeout;
        this.#ca = ca;
    }

    #pool(origin: string): Pool
    {
        let pool = this.#pools.get(origin);
        if (pool === undefined)
        {
            const timeout = this.#timeout;
            pool = new Pool(origin, { headersTimeout: timeout, bodyTimeout: timeout, connect: { timeout: Math.min(timeout, 10_000), ca: this.#ca } });
            this.#pools.set(origin, pool);
        }
        return pool;
    }

    /** Dispatches with a handler of its own: no response stream is made, which halves a gateway's cost per request. */
    send(origin: string, request: HttpRequest): Promise<HttpAnswer>
    {
        const timeout = this.#timeout;
        return new Promise((resolve, reject) =>
        {
            const chunks: Buffer[] = [];
            let status = 0;
            let headers: HttpAnswer['headers'] = {};
            this.#pool(origin).dispatch({ path: request.path, method: request.method as 'GET', headers: request.headers, body: request.body }, {
                // Its presence tells undici that this handler speaks its current API.
                onRequestStart: () => undefined,
                onResponseStart: (_controller, statusCode, responseHeaders) =>
                {
                    status = statusCode;
                    headers = responseHeaders;
                },
                onResponseData: (_controller, chunk) =>
                {
                    chunks.push(chunk);
                },
                onResponseEnd: () =>
                {
                    resolve({ status, headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) });
                },
                onResponseError: (_controller, error) =>
                {
                    const failure = classify(error, origin, timeout);
                    // A process that is not there keeps no connection: its pool goes, so that workers
                    // that come and go at new ports leave nothing behind.
                    if (failure instanceof ConnectionRefused) this.#forget(origin);
                    reject(failure);
                }
            });
        });
    }

    /**
     * Closes a pool gracefully: requests it still runs on open connections finish (a draining worker
     * refuses new connections while it answers those), and the next send makes a new pool.
     */
    #forget(origin: string): void
    {
        const pool = this.#pools.get(origin);
        this.#pools.delete(origin);
        pool?.close().catch(() => undefined);
    }

    async close(): Promise<void>
    {
        await Promise.all([...this.#pools.values()].map(pool => pool.close()));
        this.#pools.clear();
    }
}

function classify(error: unknown, origin: string, timeout: number): Error
{
    const code = errorCode(error);
    if (code !== undefined && NOT_CONNECTED.has(code)) return new ConnectionRefused(origin, { cause: error });
    // A connection reset while it was being made (the process died with it in its backlog) sent nothing.
    if (isResetWhileConnecting(error) || isCertificateRejection(error)) return new ConnectionRefused(origin, { cause: error });
    if (code !== undefined && TIMED_OUT.has(code)) return new RemoteCallTimedOut(`${origin} did not answer within ${timeout} ms`, { cause: error });
    const reason = error instanceof Error ? error.message : String(error);
    return new RemoteCallFailed(`The connection to ${origin} failed during the request: ${reason}`, { cause: error });
}

function isResetWhileConnecting(error: unknown): boolean
{
    const { code, syscall } = error instanceof Error ? error as Error & { code?: unknown; syscall?: unknown } : {};
    return code === 'ECONNRESET' && syscall === 'connect';
}

/** The error's code, or its cause's (undici wraps some socket errors). */
function errorCode(error: unknown): string | undefined
{
    for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++)
    {
        const code = (current as Error & { code?: unknown }).code;
        if (typeof code === 'string' && (NOT_CONNECTED.has(code) || TIMED_OUT.has(code))) return code;
    }
    return undefined;
}
