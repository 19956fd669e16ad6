import type { FastifyBaseLogger } from 'fastify';

import type { HttpAnswer } from '../transport/transport.js';
import { statusOf } from '../errors.js';
import { runChain, type Middleware } from '../middleware/middleware.js';
import { Response } from '../middleware/response.js';
import { encodeAnswer } from '../rpc/result-encoding.js';
import { ForwardedRequest } from './forwarded-request.js';
import { ForwardedResponse } from './forwarded-response.js';
import { serializeBuiltIns, wantsSerialized, type Forward } from './forwarding.js';

/**
 * The middleware of a gateway or proxy, run around each RPC request it forwards, as a worker runs its own
 * around a procedure: `next()` sends the request on and gives the answer. A middleware that throws, or
 * answers without calling `next()`, keeps the request from going on; its error is answered as a worker
 * answers errors (forwarding.ts). A failure to send the request on (no worker, a worker gone) comes back
 * from `next()` as a Response with its status and error, as a procedure's failure does on a worker, so
 * that middleware adds its headers (CORS) to it too.
 *
 * Without middleware the forward is returned as it is: the fast path is not touched.
 */
export function withMiddleware(middleware: readonly Middleware[], forward: Forward, onServerError?: (error: unknown, fqn: string) => void): Forward
{
    if (middleware.length === 0) return forward;
    return async (fqn, incoming) =>
    {
        const request = new ForwardedRequest(fqn, incoming);
        const sendOn = async (): Promise<Response> =>
        {
            // A request middleware cannot send (an argument text cannot carry) rejects next(): middleware's fault.
            const outgoing = request.toHttpRequest();
            try
            {
                return new ForwardedResponse(await forward(fqn, outgoing));
            }
            catch (error)
            {
                return new Response(statusOf(error), error);
            }
        };
        let response: Response;
        try
        {
            response = await runChain(middleware, request, sendOn);
        }
        catch (error)
        {
            if (statusOf(error) >= 500) onServerError?.(error, fqn);
            throw error;
        }
        return answerOf(response, wantsSerialized(incoming.headers, incoming.path) ? serializeErrors : undefined);
    };
}

/** Logs what middleware of a forwarding process threw that is the server's fault (status 500 and up). */
export function middlewareFailed(log: Pick<FastifyBaseLogger, 'error'>): (error: unknown, fqn: string) => void
{
    return (error, fqn) => log.error({ err: error, fqn }, 'middleware failed');
}

/** What middleware left, as the answer to send back. */
function answerOf(response: Response, serialize: ((value: unknown) => unknown) | undefined): HttpAnswer
{
    if (response instanceof ForwardedResponse) return response.toAnswer(serialize);
    const encoded = encodeAnswer(response.status, response.result, response.headers, serialize);
    return { status: encoded.status, headers: encoded.headers, body: Buffer.from(encoded.body) };
}

/**
 * For a caller that reads serialized answers: middleware gives results in wire form, which go on as they
 * are; an error it answers with is serialized as a worker serializes errors.
 */
const serializeErrors = (value: unknown): unknown => value instanceof Error ? serializeBuiltIns(value) : value;
