import type { FastifyInstance } from 'fastify';

import type { HttpClient } from '../transport/http-client.js';
import { forwardedRequest, sendAnswer } from './forwarding.js';

export interface ProxyTargets
{
    /** Where RPC goes: a gateway or a single worker. */
    rpc: string;
    /** Where everything else goes; without one, the rest is 404. */
    repository: string | undefined;
}

/**
 * A proxy: one entry point that passes `/rpc/*` to the gateway or worker (forwarded before Fastify, in
 * forwarding.ts) and every other GET to a repository.
 */
export function addProxyRoutes(server: FastifyInstance, client: HttpClient, repository: string | undefined, state: { closing: boolean }): void
{
    if (repository === undefined) return;
    server.get('/*', (request, reply) =>
    {
        client.send(repository, forwardedRequest(request)).then(
            answer => sendAnswer(reply, answer, state.closing),
            (error: unknown) => { void reply.code(502).type('text/plain').send(`Repository not reached: ${error instanceof Error ? error.message : String(error)}`); });
    });
}
