import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { FastifyReply, FastifyRequest } from 'fastify';

import type { HttpAnswer, HttpRequest } from '../cluster/http-client.js';
import { BadRequest, statusOf } from '../errors.js';
import { encodeResult } from '../rpc/result-encoding.js';
import { createClassResolver, serialize } from '../serialization/serializer.js';
import { CONNECTION_HEADERS } from './hop-headers.js';

/**
 * Passing HTTP requests on to another process unchanged: a gateway to its workers, a proxy to a gateway
 * or a repository. RPC requests are forwarded by the Node server itself, before Fastify: a forwarding
 * process does all its work per request twice (as a server and as a client), and Fastify's request and
 * reply objects would add a third of that again. The rest (worker registration, health, files) goes to
 * Fastify.
 */


/** Sends an RPC request for an FQN on, and gives the answer. */
export type Forward = (fqn: string, request: HttpRequest) => Promise<HttpAnswer>;

export interface ForwardingOptions
{
    forward: Forward;
    bodyLimit: number;
    state: { closing: boolean };
}

/** Fastify's `serverFactory`: a Node server that forwards `/rpc/*` itself and hands the rest to Fastify. */
export function forwardingServerFactory(options: ForwardingOptions): (fastify: (request: IncomingMessage, response: ServerResponse) => void) => Server
{
    return fastify =>
    {
        const server = createServer((request, response) =>
        {
            if (request.url?.startsWith('/rpc/') === true && RPC_METHODS.has(request.method ?? '')) forwardRpc(request, response, options);
            else fastify(request, response);
        });
        // Fastify's own default: a client's idle keep-alive connection stays open this long.
        server.keepAliveTimeout = 72_000;
        return server;
    };
}

const RPC_METHODS = new Set(['GET', 'POST', 'OPTIONS']);

function forwardRpc(request: IncomingMessage, response: ServerResponse, options: ForwardingOptions): void
{
    const url = request.url ?? '/rpc/';
    const fail = (error: unknown): void =>
    {
        const serialized = request.headers['x-jitar-data-encoding'] === 'serialized' || url.includes('serialize=true');
        sendRawRpcError(response, error, serialized, options.state.closing);
    };

    const queryAt = url.indexOf('?');
    let fqn: string;
    try
    {
        fqn = decodeURIComponent(url.slice('/rpc/'.length, queryAt === -1 ? undefined : queryAt));
    }
    catch
    {
        fail(new BadRequest('The procedure name in the URL is not valid percent-encoding'));
        request.resume();
        return;
    }

    const send = (body: Buffer | undefined): void =>
    {
        options.forward(fqn, { method: request.method ?? 'GET', path: url, headers: rawPassedOn(request.rawHeaders), body }).then(
            answer => sendRawAnswer(response, answer, options.state.closing),
            fail);
    };

    if (!hasBody(request.rawHeaders))
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
        if (size > options.bodyLimit) sendText(response, 413, 'Request body is too large', true);
        else send(Buffer.concat(chunks));
    });
    request.on('error', () => response.destroy());
}

function hasBody(raw: readonly string[]): boolean
{
    for (let index = 0; index < raw.length; index += 2)
    {
        const name = raw[index].toLowerCase();
        if (name === 'content-length' || name === 'transfer-encoding') return true;
    }
    return false;
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

/** The answer's headers without those of its connection, nor the date (this server sets its own). */
function answerHeaders(answer: HttpAnswer, closing: boolean): Record<string, string | string[]>
{
    const headers: Record<string, string | string[]> = {};
    for (const name in answer.headers)
    {
        const value = answer.headers[name];
        if (value !== undefined && !CONNECTION_HEADERS.has(name) && name !== 'date') headers[name] = value;
    }
    if (closing) headers.connection = 'close';
    return headers;
}

function sendRawAnswer(response: ServerResponse, answer: HttpAnswer, closing: boolean): void
{
    response.writeHead(answer.status, answerHeaders(answer, closing));
    response.end(answer.body);
}

/** The answer of a forwarding route of Fastify (a proxy's files). */
export function sendAnswer(reply: FastifyReply, answer: HttpAnswer, closing: boolean): void
{
    void reply.code(answer.status).headers(answerHeaders(answer, closing)).send(answer.body);
}

/** The request as it goes on: same method, path, query, headers and body. */
export function forwardedRequest(request: FastifyRequest): HttpRequest
{
    return { method: request.method, path: request.url, headers: rawPassedOn(request.raw.rawHeaders) };
}

function sendText(response: ServerResponse, status: number, text: string, closing: boolean): void
{
    response.writeHead(status, { 'content-type': 'text/plain', ...closing ? { connection: 'close' } : {} });
    response.end(text);
}

const noClasses = createClassResolver([], new Map());

/** An RPC error answered by the forwarding process itself (no worker, a worker gone): as a worker would. */
function sendRawRpcError(response: ServerResponse, error: unknown, serialized: boolean, closing: boolean): void
{
    const message = error instanceof Error ? error.message : String(error);
    const encoded = serialized ? encodeResult(error, value => serialize(value, noClasses)) : { contentType: 'text/plain', jitarContentType: 'text/plain', body: message };
    response.writeHead(statusOf(error), { 'content-type': encoded.contentType, 'x-jitar-content-type': encoded.jitarContentType, ...closing ? { connection: 'close' } : {} });
    response.end(encoded.body);
}
