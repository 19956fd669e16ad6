import type { FastifyInstance } from 'fastify';

import type { Gateway } from '../cluster/gateway.js';
import { announces, EXTENSIONS_HEADER, ROUTES_EXTENSION } from '../cluster/peer-extensions.js';

/**
 * A gateway's HTTP surface: the reference runtime's worker API (`POST /workers`, `POST
 * /workers/<id>/report`, `DELETE /workers/<id>`), `GET /workers` (ours: who serves what, for operators
 * and tests). On a gateway with a trust key, each of them needs it (`x-jitar-trust-key`, or the
 * registration's `trustKey`). Answers hold the routing table only for a worker that announced it reads
 * it (peer-extensions.ts). `/rpc/*` is forwarded before Fastify (forwarding.ts).
 */
export function addGatewayRoutes(server: FastifyInstance, gateway: Gateway): void
{
    // A BadRequest or Unauthorized thrown here is answered as text with its status (fastify-server.ts).
    server.post('/workers', async (request, reply) => reply.code(200).send(gateway.register(request.body, readsRoutes(request.headers))));

    server.post<{ Params: { id: string } }>('/workers/:id/report', async (request, reply) =>
    {
        const answer = gateway.report(request.params.id, request.body, request.headers['x-jitar-trust-key'], readsRoutes(request.headers));
        if (answer === undefined) return reply.code(404).type('text/plain').send(`Worker '${request.params.id}' is not registered`);
        return reply.send(answer);
    });

    // The reference's worker deregisters with `Content-Type: application/json` and no body: a deregistration
    // takes none, so whatever comes is not parsed (here only: an empty RPC body stays an error).
    void server.register(async scope =>
    {
        scope.removeContentTypeParser('application/json');
        scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, _body, done) => done(null, undefined));
        scope.delete<{ Params: { id: string } }>('/workers/:id', async (request, reply) =>
        {
            if (!gateway.deregister(request.params.id, request.headers['x-jitar-trust-key'])) return reply.code(404).type('text/plain').send(`Worker '${request.params.id}' is not registered`);
            return reply.code(204).send();
        });
    });

    server.get('/workers', async (request, reply) =>
    {
        if (!gateway.trusts(request.headers['x-jitar-trust-key'])) return reply.code(401).type('text/plain').send('Request not trusted');
        return reply.send(gateway.registry.list().map(({ id, url, state, procedureNames }) => ({ id, url, state, procedureNames })));
    });
}

function readsRoutes(headers: Record<string, string | string[] | undefined>): boolean
{
    return announces(headers[EXTENSIONS_HEADER], ROUTES_EXTENSION);
}
