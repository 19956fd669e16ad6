import type { FastifyInstance } from 'fastify';

import type { HttpClient } from '../cluster/http-client.js';
import { forwardedRequest, sendAnswer, sendRpcError, wantsSerialized, withRawBodies } from './forwarding.js';

export interface ProxyTargets
{
    /** Where RPC goes: a gateway or a single worker. */
    rpc: string;
    /** Where everything else goes; without one, the rest is 404. */
    repository: string | undefined;
}

/** A proxy: one entry point that passes `/rpc/*` to the gateway (or worker) and the rest to a repository. */
export async function addProxyRoutes(server: FastifyInstance, client: HttpClient, targets: ProxyTargets, state: { closing: boolean }): Promise<void>
{
    await withRawBodies(server, scope =>
    {
        scope.route({
            method: ['GET', 'POST', 'OPTIONS'],
            url: '/rpc/*',
            handler: (request, reply) =>
            {
                client.send(targets.rpc, forwardedRequest(request)).then(
                    answer => sendAnswer(reply, answer, state.closing),
                    (error: unknown) => sendRpcError(reply, error, wantsSerialized(request)));
            }
        });

        const { repository } = targets;
        if (repository === undefined) return;
        scope.route({
            method: 'GET',
            url: '/*',
            handler: (request, reply) =>
            {
                client.send(repository, forwardedRequest(request)).then(
                    answer => sendAnswer(reply, answer, state.closing),
                    (error: unknown) => { void reply.code(502).type('text/plain').send(`Repository not reached: ${error instanceof Error ? error.message : String(error)}`); });
            }
        });
    });
}
