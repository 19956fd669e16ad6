import querystring from 'fast-querystring';

import type { HttpRequest } from '../transport/transport.js';
import { BadRequest, ServerError } from '../errors.js';
import { Request } from '../middleware/request.js';
import { parseVersion } from '../procedure-versions.js';
import { CONNECTION_HEADERS } from '../transport/hop-headers.js';
import { headersOf, rawHeader } from '../transport/raw-headers.js';
import { parseBody, toRpcCall } from './rpc-request.js';

/** How the arguments travel: in the query string (GET, OPTIONS), a form or a JSON body (POST). */
type ArgumentSource = 'query' | 'form' | 'json';

interface ParsedArguments
{
    args: Record<string, unknown>;
    source: ArgumentSource;
    /** The query's `serialize` parameter, which is no argument but must go on with them. */
    serialize: unknown;
}

/**
 * An RPC request that a gateway or proxy forwards, as its middleware sees it: the Request of a worker's
 * middleware, with the FQN, the requested version (normalized; as sent when it is not a version) and the
 * headers. The body is parsed only when middleware asks for the arguments: most middleware looks at
 * headers only, and a forwarding process does not parse bodies otherwise.
 *
 * Arguments are in wire form, as the caller sent them: text from a query string or form, JSON values
 * from a JSON body, and the serialized form of a serialized call (a forwarding process holds none of the
 * app's classes, so it rebuilds nothing). The request goes on exactly as it came unless middleware
 * changed its headers or arguments; then it goes on with those, arguments encoded the way they came.
 */
export class ForwardedRequest extends Request
{
    readonly #incoming: HttpRequest;
    readonly #rawHeaders: readonly string[];
    #parsed: ParsedArguments | undefined;
    /** Middleware's own copy of the arguments, made when it first changes them. */
    #changedArgs: Record<string, unknown> | undefined;
    #headersChanged = false;

    constructor(fqn: string, incoming: HttpRequest)
    {
        const rawHeaders = rawList(incoming.headers);
        const version = rawHeader(rawHeaders, 'x-jitar-procedure-version');
        super(fqn, parseVersion(version) ?? version ?? '0.0.0', {}, headersOf(rawHeaders));
        this.#incoming = incoming;
        this.#rawHeaders = rawHeaders;
    }

    override get args(): Readonly<Record<string, unknown>>
    {
        return this.#changedArgs ?? this.#arguments().args;
    }

    override getArgument(name: string): unknown
    {
        return this.args[name];
    }

    override setArgument(name: string, value: unknown): void
    {
        this.#writableArgs()[name] = value;
    }

    override removeArgument(name: string): void
    {
        delete this.#writableArgs()[name];
    }

    override setHeader(name: string, value: string): void
    {
        super.setHeader(name, value);
        this.#headersChanged = true;
    }

    override removeHeader(name: string): void
    {
        super.removeHeader(name);
        this.#headersChanged = true;
    }

    /** The request to send on: the one that came, unless middleware changed it. */
    toHttpRequest(): HttpRequest
    {
        if (!this.#headersChanged && this.#changedArgs === undefined) return this.#incoming;
        const headers = this.#headersChanged ? rawHeadersOf(this.headers) : this.#incoming.headers;
        if (this.#changedArgs === undefined) return { ...this.#incoming, headers };
        const { source, serialize } = this.#arguments();
        const args = this.#changedArgs;
        if (source === 'json') return { ...this.#incoming, headers, body: JSON.stringify(args, (_key, value: unknown) => typeof value === 'bigint' ? value.toString() : value) };
        const text = querystring.stringify(textArguments(args, serialize));
        if (source === 'form') return { ...this.#incoming, headers, body: text };
        const path = this.#incoming.path;
        const queryAt = path.indexOf('?');
        return { ...this.#incoming, headers, path: `${queryAt === -1 ? path : path.slice(0, queryAt)}${text === '' ? '' : `?${text}`}` };
    }

    /** The arguments as the caller sent them, parsed on first need; throws what a worker would answer (400, 415). */
    #arguments(): ParsedArguments
    {
        if (this.#parsed !== undefined) return this.#parsed;
        const { method, path, body } = this.#incoming;
        const queryAt = path.indexOf('?');
        const query = queryAt === -1 ? {} : querystring.parse(path.slice(queryAt + 1)) as Record<string, unknown>;
        const contentType = rawHeader(this.#rawHeaders, 'content-type');
        const parsedBody = method === 'POST' ? parseBody(contentType, typeof body === 'string' ? Buffer.from(body) : body ?? Buffer.alloc(0)) : undefined;
        const call = toRpcCall(this.fqn, { method, query, rawHeaders: this.#rawHeaders, headers: () => this.headers, body: parsedBody });
        if (typeof call === 'string') throw new BadRequest(call);
        const source: ArgumentSource = method !== 'POST' ? 'query' : call.source === 'query' ? 'form' : 'json';
        this.#parsed = { args: call.args, source, serialize: query.serialize };
        return this.#parsed;
    }

    #writableArgs(): Record<string, unknown>
    {
        this.#changedArgs ??= { ...this.#arguments().args };
        return this.#changedArgs;
    }
}

/** Headers as a flat list of names and values, whichever shape they have. */
function rawList(headers: HttpRequest['headers']): readonly string[]
{
    return Array.isArray(headers) ? headers : rawHeadersOf(headers);
}

/** Headers by name as the flat list a request goes on with, without those of a connection. */
function rawHeadersOf(headers: Readonly<Record<string, string | readonly string[]>>): string[]
{
    const raw: string[] = [];
    for (const name in headers)
    {
        if (CONNECTION_HEADERS.has(name.toLowerCase())) continue;
        const value = headers[name];
        if (typeof value === 'string') raw.push(name, value);
        else for (const item of value) raw.push(name, item);
    }
    return raw;
}

type TextValue = string | number | boolean | bigint;

const isText = (value: unknown): value is TextValue => ['string', 'number', 'boolean', 'bigint'].includes(typeof value);

/**
 * Arguments that travel as text (a query string, a form), checked: a value that text cannot carry is
 * middleware's mistake, which must not reach the worker as an empty string.
 */
function textArguments(args: Readonly<Record<string, unknown>>, serialize: unknown): Record<string, TextValue | TextValue[]>
{
    const result: Record<string, TextValue | TextValue[]> = {};
    for (const [name, value] of Object.entries(args))
    {
        if (value === undefined) continue;
        if (isText(value)) result[name] = value;
        else if (Array.isArray(value) && value.every(isText)) result[name] = value;
        else throw new ServerError(`Middleware set argument '${name}' to ${value === null ? 'null' : Array.isArray(value) ? 'an array of other than text' : `a value of type ${typeof value}`}, but the arguments of this call travel as text (query string or form): give text, numbers or booleans`);
    }
    if (isText(serialize)) result.serialize = serialize;
    return result;
}
