import { RemoteCallFailed } from '../errors.js';
import { tlsRejection } from './tls-rejection.js';

/**
 * What every way of calling another jitar process shares, whatever carries the bytes: a request and an
 * answer shaped as HTTP's (method, path, headers, body; status, headers, body), the Transport that sends
 * one and gives the other, and the failure that means "nothing was sent". HTTP (http-client.ts) is the
 * transport every peer speaks; channels (runtime/channel) plug in beside it, and a next one would too.
 *
 * Failures are sorted by what they mean for a retry. A refused connection sent nothing, so the request may
 * go to another process (ConnectionRefused); a connection that broke after sending may have run the
 * request, so it must not (RemoteCallFailed, 502); an answer that does not come in time is
 * RemoteCallTimedOut (504).
 */

export interface HttpRequest
{
    method: string;
    /** Path and query string. */
    path: string;
    /** By name, or as a flat list of names and values (as Node's rawHeaders), which costs less to pass on. */
    headers: Record<string, string | string[]> | string[];
    body?: string | Buffer;
}

export interface HttpAnswer
{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
}

/** How a process sends requests to another: HTTP (HttpClient), or channels where the other end takes them (ChannelClient). */
export interface Transport
{
    send(origin: string, request: HttpRequest): Promise<HttpAnswer>;
    /** Lets requests in flight finish, then closes every connection. */
    close(): Promise<void>;
}

/** Nothing reached the other process (connection refused, not made in time, or its TLS handshake failed): safe to send elsewhere. */
export class ConnectionRefused extends RemoteCallFailed
{
    constructor(readonly origin: string, options?: ErrorOptions)
    {
        const tls = tlsRejection(options?.cause);
        super(tls === undefined ? `Cannot connect to ${origin}` : `Cannot connect to ${origin}: ${tls}`, options);
    }
}
