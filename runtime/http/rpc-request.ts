import secureJson from 'secure-json-parse';

import type { RequestHeaders } from '../middleware/request.js';
import type { RpcCall } from '../rpc/rpc-handler.js';
import { DEFAULT_MAX_DEPTH, type ClassForm } from '../serialization/encoding.js';
import { rawHeader } from '../transport/raw-headers.js';
import { nestsDeeperThan } from './json-depth.js';

/**
 * What HTTP means for an RPC call, whichever way the request arrived (Fastify, or a channel from a
 * gateway): query and body as arguments, the encoding and version headers, the OPTIONS dry run and
 * preflight. Both adapters give the same answers to the same requests.
 */
export interface HttpRpcRequest
{
    method: string;
    /** The parsed query string. */
    query: Record<string, unknown>;
    /** As Node gives them: names as sent, then values. */
    rawHeaders: readonly string[];
    /** The headers by lower-cased name; a function, because building them costs and most calls never look. */
    headers: () => RequestHeaders;
    /** The parsed body of a POST (parseBody). */
    body: unknown;
}

/** The RPC call an HTTP request makes, or the reason it makes none (a 400). */
export function toRpcCall(fqn: string, request: HttpRpcRequest): RpcCall | string
{
    const raw = request.rawHeaders;
    let query = request.query;
    const serialized = isSerialized(query, raw);
    const classForm = classFormOf(raw);
    if ('serialize' in query)
    {
        query = { ...query };
        delete query.serialize;
    }
    const version = rawHeader(raw, 'x-jitar-procedure-version');
    const { headers } = request;

    if (request.method === 'OPTIONS')
    {
        const mode = rawHeader(raw, 'access-control-request-method') === undefined ? 'dry-run' : 'preflight';
        return { fqn, version, args: query, source: 'query', headers, serialized, classForm, mode };
    }
    if (request.method === 'GET') return { fqn, version, args: query, source: 'query', headers, serialized, classForm, mode: 'call' };

    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'Request body must be a JSON object of arguments by parameter name';
    const isForm = (rawHeader(raw, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded');
    return { fqn, version, args: body as Record<string, unknown>, source: isForm ? 'query' : 'body', headers, serialized, classForm, mode: 'call' };
}

/** Whether a request's arguments (and answer) are in the serialized encoding: `?serialize=true` or `x-jitar-data-encoding: serialized`. */
export function isSerialized(query: Record<string, unknown>, rawHeaders: readonly string[]): boolean
{
    return query.serialize === 'true' || rawHeader(rawHeaders, 'x-jitar-data-encoding') === 'serialized';
}

/**
 * The form of class instances a serialized answer is written in: the reference's for a caller that sent
 * `x-jitar-data-encoding: serialized` (its clients and workers, and ours), else (`?serialize=true` alone,
 * as Jitar's RPC API page documents it) the documented one, ClassForm `seed` (encoding.ts).
 */
export function classFormOf(rawHeaders: readonly string[]): ClassForm
{
    return rawHeader(rawHeaders, 'x-jitar-data-encoding') === 'serialized' ? 'reference' : 'seed';
}

/** A failure to read a request body, with the status to answer it with. */
export class BodyError extends Error
{
    constructor(readonly statusCode: number, message: string)
    {
        super(message);
    }

    /** Read by statusOf: thrown where middleware reads a forwarded request's arguments, it is answered with this status. */
    get status(): number
    {
        return this.statusCode;
    }
}

/**
 * How deep a serialized body's JSON may nest: the serializer counts a Map as one level, which its form
 * (`{entries: {values: [...]}}`) takes three JSON levels to write; the deserializer then holds its values
 * to DEFAULT_MAX_DEPTH.
 */
const SERIALIZED_JSON_DEPTH = 3 * DEFAULT_MAX_DEPTH;

/**
 * A JSON body; prototype keys are refused, and so are bodies nested deeper than DEFAULT_MAX_DEPTH levels
 * (SERIALIZED_JSON_DEPTH for serialized ones); the message says what is wrong (Fastify's says only "not
 * valid JSON").
 */
export function parseJsonBody(text: string, serialized = false): unknown
{
    const maxDepth = serialized ? SERIALIZED_JSON_DEPTH : DEFAULT_MAX_DEPTH;
    if (nestsDeeperThan(text, maxDepth)) throw new BodyError(400, `Invalid JSON body: nested deeper than ${maxDepth} levels`);
    try
    {
        return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    }
    catch (error)
    {
        throw new BodyError(400, `Invalid JSON body: ${error instanceof Error ? error.message : String(error)}`);
    }
}

/** Form fields as arguments; a repeated field becomes an array. */
export function formToObject(body: string): Record<string, unknown>
{
    const result: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [key, value] of new URLSearchParams(body))
    {
        const existing = result[key];
        result[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    return result;
}

/**
 * A POST body by its content type, as Fastify reads it with jitar's parsers: undefined when there is none,
 * a BodyError with Fastify's status and message for what it would refuse.
 */
export function parseBody(contentType: string | undefined, body: Buffer, serialized = false): unknown
{
    if (contentType === undefined) return undefined;
    const type = contentType.split(';', 1)[0].trim().toLowerCase();
    if (type === 'application/json') return parseJsonBody(body.toString('utf8'), serialized);
    if (type === 'application/x-www-form-urlencoded') return formToObject(body.toString('utf8'));
    throw new BodyError(415, unsupportedMediaType(contentType));
}

export function unsupportedMediaType(contentType: string | undefined): string
{
    return `Unsupported Media Type '${contentType ?? ''}': send application/json or application/x-www-form-urlencoded`;
}

const RPC_PREFIX = '/rpc/';
const RPC_METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'OPTIONS']);

/** Whether a request is an RPC call by its method and path (`/rpc/<fqn>`). */
export function isRpcRequest(method: string, path: string): boolean
{
    return path.startsWith(RPC_PREFIX) && RPC_METHODS.has(method);
}

/** The FQN an RPC path names (percent-decoded), or a BadRequest's message when it names none. */
export function fqnOf(path: string): { fqn: string } | { problem: string }
{
    const queryAt = path.indexOf('?');
    try
    {
        return { fqn: decodeURIComponent(path.slice(RPC_PREFIX.length, queryAt === -1 ? undefined : queryAt)) };
    }
    catch
    {
        return { problem: 'The procedure name in the URL is not valid percent-encoding' };
    }
}
