import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { statusOf } from '../errors.js';
import type { HttpAnswer, HttpRequest } from '../cluster/http-client.js';
import { encodeResult } from '../rpc/result-encoding.js';
import { createClassResolver, serialize } from '../serialization/serializer.js';

/**
 * Passing HTTP requests on to another process unchanged (a gateway to its workers, a proxy to a gateway
 * or a repository), for the Fastify adapters of those services.
 */

/** Headers that describe one connection, not the request: never passed on. */
const PER_HOP = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length']);

/** Routes of `register` that take any body as raw bytes: what they forward is never parsed here. */
export async function withRawBodies(server: FastifyInstance, register: (scope: FastifyInstance) => void): Promise<void>
{
    await server.register(async scope =>
    {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body); });
        register(scope);
    });
}

/** The request as it goes on: same method, path, query, headers and body. */
export function forwardedRequest(request: FastifyRequest): HttpRequest
{
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers))
    {
        if (value !== undefined && !PER_HOP.has(name)) headers[name] = value;
    }
    const body = Buffer.isBuffer(request.body) ? request.body : undefined;
    return { method: request.method, path: request.url, headers, body };
}

export function sendAnswer(reply: FastifyReply, answer: HttpAnswer, closing: boolean): void
{
    void reply.code(answer.status);
    for (const [name, value] of Object.entries(answer.headers))
    {
        if (value !== undefined && !PER_HOP.has(name) && name !== 'date') void reply.header(name, value);
    }
    if (closing) void reply.header('connection', 'close');
    void reply.send(answer.body);
}

const noClasses = createClassResolver([], new Map());

/** An RPC error answered by the forwarding process itself (no worker, a worker gone): as a worker would. */
export function sendRpcError(reply: FastifyReply, error: unknown, serialized: boolean): void
{
    const message = error instanceof Error ? error.message : String(error);
    const encoded = serialized ? encodeResult(error, value => serialize(value, noClasses)) : { contentType: 'text/plain', jitarContentType: 'text/plain', body: message };
    void reply.code(statusOf(error)).header('content-type', encoded.contentType).header('x-jitar-content-type', encoded.jitarContentType).send(encoded.body);
}

/** Whether the request asks for serialized answers (another jitar process, or `?serialize=true`). */
export function wantsSerialized(request: FastifyRequest): boolean
{
    return request.headers['x-jitar-data-encoding'] === 'serialized' || (request.query as Record<string, unknown>).serialize === 'true';
}
