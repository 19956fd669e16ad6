import type { Server } from 'node:http';

/** The deadlines of a service's HTTP connections, in ms (the service file's root `connections`). */
export interface ConnectionDeadlines
{
    headersTimeout: number;
    bodyTimeout: number;
    keepAliveTimeout: number;
}

/**
 * The deadlines of every HTTP connection a service takes, set on its Node server (Fastify's, or the
 * forwarding one of a gateway or proxy) before it listens. Fastify leaves the request deadline at 0,
 * which also lifts Node's own: a client that sends part of a body and stops would hold its connection,
 * and what it sent, for ever.
 */
export function applyDeadlines(server: Server, connections: ConnectionDeadlines): void
{
    server.headersTimeout = connections.headersTimeout;
    server.requestTimeout = connections.bodyTimeout;
    server.keepAliveTimeout = connections.keepAliveTimeout;
    // Node looks for connections past the first two deadlines every this many ms (30 s unless told, read
    // when the server starts listening): a deadline is then kept to within a tenth of itself, at most 1 s.
    const interval = Math.max(10, Math.min(1000, Math.floor(Math.min(connections.headersTimeout, connections.bodyTimeout) / 10)));
    Object.assign(server, { connectionsCheckingInterval: interval });
}
