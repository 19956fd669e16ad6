import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

import type { FastifyReply, FastifyRequest } from 'fastify';

import type { HttpAnswer, HttpRequest } from '../transport/transport.js';
import { BadRequest, statusOf } from '../errors.js';
import { encodeFailure } from '../rpc/result-encoding.js';
import { createClassResolver } from '../serialization/class-resolver.js';
import { deserialize } from '../serialization/deserializer.js';
import { serialize } from '../serialization/serializer.js';
import { text, type ChannelAnswer, type ChannelRequestHandler } from '../channel/messages.js';
import { CONNECTION_HEADERS } from '../transport/hop-headers.js';
import { rawHeader } from '../transport/raw-headers.js';
import { fqnOf, isRpcRequest } from './rpc-request.js';

/**
 * Passing HTTP requests on to another process unchanged: a gateway to its workers, a proxy to a gateway
 * or a repository. RPC requests are forwarded by the Node server itself, before Fastify: a forwarding
 * process does all its work per request twice (as a server and as a client), and Fastify's request and
 * reply objects would add a third of that again. The rest (worker registration, health, files) goes to
 * Fastify.
 */


/** Sends an RPC request for an FQN on, and gives the answer. */
export type Forward = (fqn: string, request: HttpRequest) => Promise<HttpAnswer>;

/** An https server's certificate and private key (PEM). */
export interface ServerTls
{
    cert: Buffer;
    key: Buffer;
}

export interface ForwardingOptions
{
    forward: Forward;
    bodyLimit: number;
    state: { closing: boolean };
    /** Serves https with these; undefined: plain HTTP. */
    tls: ServerTls | undefined;
}

/** Fastify's `serverFactory`: a Node server that forwards `/rpc/*` itself and hands the rest to Fastify. */
export function forwardingServerFactory(options: ForwardingOptions): (fastify: (request: IncomingMessage, response: ServerResponse) => void) => Server
{
    return fastify =>
    {
        const handle: RequestListener = (request, response) =>
        {
            if (isRpcRequest(request.method ?? '', request.url ?? '')) forwardRpc(request, response, options);
            else fastify(request, response);
        };
        const server = options.tls === undefined ? createServer(handle) : createHttpsServer(options.tls, handle);
        // Fastify's own default: a client's idle keep-alive connection stays open this long.
        server.keepAliveTimeout = 72_000;
        return server;
    };
}

/**
 * Sends an RPC request on, whichever way it came (HTTP or a channel), and gives `answer` what came back;
 * a failure to send it is answered as a worker would answer it. A callback rather than a promise of its
 * own: a gateway does this for every request.
 */
function forwardCall(forward: Forward, method: string, path: string, rawHeaders: readonly string[], body: Buffer | undefined, answer: (answer: HttpAnswer | ChannelAnswer) => void): void
{
    const target = fqnOf(path);
    if ('problem' in target)
    {
        answer(rpcErrorAnswer(new BadRequest(target.problem), rawHeaders, path));
        return;
    }
    forward(target.fqn, { method, path, headers: rawPassedOn(rawHeaders), body }).then(answer, (error: unknown) => answer(rpcErrorAnswer(error, rawHeaders, path)));
}

function forwardRpc(request: IncomingMessage, response: ServerResponse, options: ForwardingOptions): void
{
    const send = (body: Buffer | undefined): void =>
    {
        forwardCall(options.forward, request.method ?? 'GET', request.url ?? '/rpc/', request.rawHeaders, body, answer => sendRaw(response, answer, options.state.closing));
    };

    if (rawHeader(request.rawHeaders, 'content-length') === undefined && rawHeader(request.rawHeaders, 'transfer-encoding') === undefined)
    {
        request.resume();
        send(undefined);
        return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) =>
    {
        size += chunk.length;
        if (size <= options.bodyLimit) chunks.push(chunk);
    });
    request.on('end', () =>
    {
        if (size > options.bodyLimit) sendRaw(response, text(413, 'Request body is too large'), true);
        else send(Buffer.concat(chunks));
    });
    request.on('error', () => response.destroy());
}

/** The request's raw headers without those of its connection (Node builds `headers` only when asked). */
function rawPassedOn(raw: readonly string[]): string[]
{
    const result: string[] = [];
    for (let index = 0; index < raw.length; index += 2)
    {
        if (!CONNECTION_HEADERS.has(raw[index].toLowerCase())) result.push(raw[index], raw[index + 1]);
    }
    return result;
}

/**
 * Requests that come to a gateway over channels (from a proxy, or a worker calling through it), sent on
 * to a worker as those that come over HTTP.
 */
export function forwardingChannelHandler(forward: Forward): ChannelRequestHandler
{
    return request =>
    {
        const { method, path, rawHeaders, body } = request;
        if (!isRpcRequest(method, path)) return Promise.resolve(text(404, 'Not found'));
        return new Promise(resolve => forwardCall(forward, method, path, rawHeaders, body.length === 0 ? undefined : body,
            answer => resolve({ status: answer.status, headers: answerHeaders(answer.headers, false), body: answer.body })));
    };
}

/** The answer's headers without those of its connection, nor the date (this server sets its own). */
export function answerHeaders(answered: HttpAnswer['headers'], closing: boolean): Record<string, string | string[]>
{
    const headers: Record<string, string | string[]> = {};
    for (const name in answered)
    {
        const value = answered[name];
        if (value !== undefined && !CONNECTION_HEADERS.has(name) && name !== 'date') headers[name] = value;
    }
    if (closing) headers.connection = 'close';
    return headers;
}

function sendRaw(response: ServerResponse, answer: HttpAnswer | ChannelAnswer, closing: boolean): void
{
    const headers = answerHeaders(answer.headers, closing);
    // The whole body is at hand: its length is sent, as a standalone does, rather than chunks (an answer
    // without a body, a 204 preflight, says none).
    if (answer.status !== 204 && answer.status !== 304) headers['content-length'] = String(typeof answer.body === 'string' ? Buffer.byteLength(answer.body) : answer.body.length);
    try
    {
        response.writeHead(answer.status, headers);
    }
    catch (error)
    {
        // Transports check what peers answer; should anything still get past them, it fails this call
        // alone: thrown here, inside a promise's callback, it would end the process.
        response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', 'x-jitar-content-type': 'text/plain', 'x-content-type-options': 'nosniff' });
        response.end(`The answer could not be passed on: ${error instanceof Error ? error.message : String(error)}`);
        return;
    }
    response.end(answer.body);
}

/** The answer of a forwarding route of Fastify (a proxy's files). */
export function sendAnswer(reply: FastifyReply, answer: HttpAnswer, closing: boolean): void
{
    void reply.code(answer.status).headers(answerHeaders(answer.headers, closing)).send(answer.body);
}

/** The request as it goes on: same method, path, query, headers and body. */
export function forwardedRequest(request: FastifyRequest): HttpRequest
{
    return { method: request.method, path: request.url, headers: rawPassedOn(request.raw.rawHeaders) };
}

const noClasses = createClassResolver([], new Map());

/**
 * Serializes what a forwarding process answers itself: it holds none of the app's classes, so only
 * jitar's errors and the built-ins.
 */
export const serializeBuiltIns = (value: unknown): unknown => serialize(value, noClasses);

/** Rebuilds what a forwarding process can: jitar's errors and the built-ins. */
export const deserializeBuiltIns = (value: unknown): unknown => deserialize(value, noClasses);

/** Whether the caller reads serialized answers (as a worker decides it). */
export function wantsSerialized(headers: readonly string[] | Readonly<Record<string, string | string[]>>, path: string): boolean
{
    const encoding = isList(headers) ? rawHeader(headers, 'x-jitar-data-encoding') : headers['x-jitar-data-encoding'];
    return encoding === 'serialized' || path.includes('serialize=true');
}

const isList = (headers: readonly string[] | Readonly<Record<string, string | string[]>>): headers is readonly string[] => Array.isArray(headers);

/**
 * An RPC error answered by the forwarding process itself (no worker, a worker gone) as a worker would:
 * serialized when the caller reads serialized answers.
 */
function rpcErrorAnswer(error: unknown, rawHeaders: readonly string[], path: string): ChannelAnswer
{
    const encoded = encodeFailure(error instanceof Error ? error : new Error(String(error)), wantsSerialized(rawHeaders, path) ? serializeBuiltIns : undefined);
    return { status: statusOf(error), headers: { 'content-type': encoded.contentType, 'x-jitar-content-type': encoded.jitarContentType, 'x-content-type-options': 'nosniff' }, body: encoded.body };
}
