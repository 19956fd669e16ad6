import querystring from 'fast-querystring';

import type { RpcHandler } from '../rpc/rpc-handler.js';
import { text, type ChannelAnswer, type ChannelRequest, type ChannelRequestHandler } from '../channel/messages.js';
import { headersOf, rawHeader } from '../transport/raw-headers.js';
import { BodyError, fqnOf, isRpcRequest, isSerialized, parseBody, toRpcCall } from './rpc-request.js';

/**
 * A worker's answers to requests over channels: the same translation of HTTP into RPC calls as the
 * Fastify adapter's (rpc-request.ts), with the query parser Fastify uses, so that a request gets the
 * same answer whichever way it came.
 */
export function rpcChannelHandler(rpc: Pick<RpcHandler, 'handle'>): ChannelRequestHandler
{
    return (request: ChannelRequest): Promise<ChannelAnswer> =>
    {
        const { method, path, rawHeaders } = request;
        if (!isRpcRequest(method, path)) return Promise.resolve(text(404, 'Not found'));
        const target = fqnOf(path);
        if ('problem' in target) return Promise.resolve(text(400, target.problem));

        const queryAt = path.indexOf('?');
        const query = queryAt === -1 ? {} : querystring.parse(path.slice(queryAt + 1)) as Record<string, unknown>;
        let body: unknown;
        if (method === 'POST')
        {
            try
            {
                body = parseBody(rawHeader(rawHeaders, 'content-type'), request.body, isSerialized(query, rawHeaders));
            }
            catch (error)
            {
                if (error instanceof BodyError) return Promise.resolve(text(error.statusCode, error.message));
                throw error;
            }
        }

        let headers: Record<string, string | string[]> | undefined;
        const call = toRpcCall(target.fqn, { method, query, rawHeaders, headers: () => headers ??= headersOf(rawHeaders), body });
        if (typeof call === 'string') return Promise.resolve(text(400, call));
        return rpc.handle(call);
    };
}
