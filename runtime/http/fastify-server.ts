import { randomUUID } from 'node:crypto';

import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

import type { ChannelServer } from '../channel/channel-server.js';
import type { Gateway } from '../cluster/gateway.js';
import { statusOf } from '../errors.js';
import type { Middleware } from '../middleware/middleware.js';
import type { RpcHandler } from '../rpc/rpc-handler.js';
import type { HttpClient } from '../transport/http-client.js';
import type { Transport } from '../transport/transport.js';
import type { AssetWhitelist } from './asset-whitelist.js';
import { applyDeadlines, type ConnectionDeadlines } from './deadlines.js';
import { forwardingServerFactory, type Forward, type ServerTls } from './forwarding.js';
import { middlewareFailed, withMiddleware } from './forwarding-middleware.js';
import { addGatewayRoutes } from './gateway-routes.js';
import { addProxyRoutes, type ProxyTargets } from './proxy-routes.js';
import { formToObject, isSerialized, parseJsonBody, toRpcCall, unsupportedMediaType } from './rpc-request.js';

export interface HttpParts
{
    /** Absent on services that serve no procedures (repository). */
    rpc?: RpcHandler;
    /** What a gateway or proxy runs around the RPC requests it forwards (a standalone's or worker's is in its RpcHandler). */
    middleware?: readonly Middleware[];
    /** Takes channels from gateways and other workers (services that serve procedures). */
    channels?: ChannelServer;
    health: HealthReport;
    assets?: { root: string; whitelist: AssetWhitelist };
    gateway?: Gateway;
    /** A gateway on a message broker (runtime/nats): forwards RPC requests there, and lists the workers it knows. */
    broker?: BrokerGateway;
    proxy?: { rpcClient: Transport; fileClient: HttpClient; targets: ProxyTargets };
    /** The app's OpenAPI document as JSON text, served at /openapi.json (standalones and gateways). */
    openapi?: string;
    /** Runs around every RPC request a gateway or proxy forwards, middleware included (telemetry). */
    observeForward?: (forward: Forward) => Forward;
    /** Serves `GET /metrics` (the service file's `metrics`). */
    metrics?: MetricsEndpoint;
}

/** The Prometheus metrics of a service, and who may read them. */
export interface MetricsEndpoint
{
    text(): Promise<{ contentType: string; body: string }>;
    /** Undefined: the caller may read them; else the status and message to refuse it with. */
    refusal(request: { trustKeyHeader: string | string[] | undefined; authorization: string | undefined; remoteAddress: string | undefined }): { status: number; message: string } | undefined;
}

/** What the HTTP side needs of a gateway whose workers are reached through a broker (NATS). */
export interface BrokerGateway
{
    forward: Forward;
    /** The workers and what they serve, for `GET /workers`. */
    workers(): unknown[];
    /** Each procedure version served and by which workers, for `GET /procedures`. */
    procedures(): unknown[];
    /** Whether `key` opens the list (the gateway's trust key, if it has one). */
    trusts(key: unknown): boolean;
}

/** What `/health` and `/health/status` answer: the service's health checks, run (runtime/health). */
export interface HealthReport
{
    report(): Promise<Record<string, boolean>>;
    isHealthy(): Promise<boolean>;
}

/** The service's log (pino's): Fastify gets it too when it logs requests, which it does at debug. */
export interface ServerLog extends FastifyBaseLogger
{
    isLevelEnabled(level: string): boolean;
}

export interface HttpOptions
{
    log: ServerLog;
    /** Largest request body, in bytes (DEFAULT_BODY_LIMIT unless the service says otherwise). */
    bodyLimit: number;
    /** The PEM certificate and key of an https:// service; undefined: plain HTTP. */
    tls?: ServerTls;
    /** The deadlines of its connections (the service file's root `connections`). */
    connections: ConnectionDeadlines;
    /** Fields for Fastify's request log lines (at debug): the ids the request's headers bring (its trace). */
    requestLogFields?: (headers: FastifyRequest['headers']) => Record<string, string>;
}

/**
 * A service's HTTP server: Fastify, which no folder but runtime/http knows. This module builds it,
 * translates HTTP into RPC calls and answers, and serves health, the OpenAPI document and assets; a
 * gateway's routes (gateway-routes.ts), a proxy's (proxy-routes.ts) and the forwarding of RPC before
 * Fastify (forwarding.ts) are added from their own modules.
 */
export async function createHttpServer(parts: HttpParts, options: HttpOptions): Promise<{ server: FastifyInstance; state: { closing: boolean } }>
{
    // While closing (and while a worker drains before it closes), answers end their connection, so that
    // keep-alive clients do not hold the process open, nor keep a connection it is about to close.
    const state = { closing: false };
    const { bodyLimit } = options;
    const forward = forwarderOf(parts, options.log);
    const requestLog: FastifyBaseLogger = options.log;
    const logsRequests = options.log.isLevelEnabled('debug');

    const server = Fastify({
        ...forward === undefined ? {} : { serverFactory: forwardingServerFactory({ forward, bodyLimit, state, tls: options.tls }) },
        ...options.tls === undefined ? {} : { https: options.tls },
        // With a logger, Fastify reads the clock twice and adds and removes two listeners on every
        // response, even with request logging off: 8% of the requests per second (bench/rpc). So Fastify
        // gets the log only at debug, where it logs every request; below, jitar logs on its own, and
        // Fastify's request ids and per-request loggers, which nothing reads then, are its cheap defaults.
        ...logsRequests ? {
            loggerInstance: requestLog,
            // A request's id is the one it came with (from a load balancer or a gateway), else a new one:
            // the same one the call's own log lines carry (answerRpc), so that one id finds them all.
            requestIdHeader: 'x-request-id',
            genReqId: () => randomUUID(),
            logController: new LogController({ requestIdLogLabel: 'request_id' }),
            ...options.requestLogFields === undefined ? {} : {
                childLoggerFactory: (logger: FastifyBaseLogger, bindings: Record<string, unknown>, childOptions: object, raw: { headers: FastifyRequest['headers'] }) =>
                    logger.child({ ...bindings, ...options.requestLogFields?.(raw.headers) }, childOptions)
            }
        } : { logger: false },
        bodyLimit,
        // Request bodies with these keys are refused before any of our code sees them.
        onProtoPoisoning: 'error',
        onConstructorPoisoning: 'error',
        // No route has a schema (the RPC handler validates), so Fastify's Ajv and fast-json-stringify
        // compilers would be loaded at every start for nothing (see load-on-use.ts for why that matters).
        schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } }
    });

    applyDeadlines(server.server, options.connections);
    server.addHook('preClose', async () => { state.closing = true; });
    parts.channels?.attach(server.server);

    // Fastify's own JSON parser says only "not valid JSON"; this one says what is wrong, prototype keys included.
    server.removeContentTypeParser('application/json');
    server.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    {
        try
        {
            done(null, parseJsonBody(body as string, isSerialized(request.query as Record<string, unknown>, request.raw.rawHeaders)));
        }
        catch (error)
        {
            done(error as Error, undefined);
        }
    });

    server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    {
        done(null, formToObject(body as string));
    });

    server.setErrorHandler((error: Error & { statusCode?: number }, request, reply) =>
    {
        // Fastify's own errors carry a statusCode; jitar's (a BadRequest from a route) a status.
        const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : statusOf(error);
        if (status >= 500) options.log.error(error);
        const message = status === 413 ? 'Request body is too large' : status === 415 ? unsupportedMediaType(request.headers['content-type']) : error.message;
        void reply.status(status).type('text/plain').send(message);
    });

    server.setNotFoundHandler((_request, reply) =>
    {
        void reply.status(404).type('text/plain').send('Not found');
    });

    const { rpc, health, assets, gateway, broker, proxy } = parts;
    if (gateway !== undefined)
    {
        addGatewayRoutes(server, gateway);
    }
    else if (broker !== undefined)
    {
        server.get('/workers', async (request, reply) =>
        {
            if (!broker.trusts(request.headers['x-jitar-trust-key'])) return reply.code(401).type('text/plain').send('Request not trusted');
            return reply.send(broker.workers());
        });
        server.get('/procedures', async (request, reply) =>
        {
            if (!broker.trusts(request.headers['x-jitar-trust-key'])) return reply.code(401).type('text/plain').send('Request not trusted');
            return reply.send(broker.procedures());
        });
    }
    else if (proxy !== undefined)
    {
        addProxyRoutes(server, proxy.fileClient, proxy.targets.repository, state);
    }
    else if (rpc !== undefined)
    {
        // A static route per procedure is found faster than the wildcard, which answers the rest (404s).
        // The handler is parts.rpc at the time of the call: a standalone's reload (jitar dev) replaces it.
        for (const fqn of rpc.fqns)
        {
            server.route({ method: ['GET', 'POST', 'OPTIONS'], url: `/rpc/${fqn.replaceAll(':', '::')}`, handler: (request, reply) => answerRpc(parts.rpc ?? rpc, fqn, request, reply, state, logsRequests) });
        }
        server.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/rpc/*', handler: (request, reply) => answerRpc(parts.rpc ?? rpc, (request.params as { '*': string })['*'], request, reply, state, logsRequests) });
    }
    if (gateway !== undefined || broker !== undefined || proxy !== undefined || rpc !== undefined)
    {
        // As the reference answers them: a method RPC does not use is not implemented, rather than not found.
        server.route({ method: ['PUT', 'DELETE', 'PATCH'], url: '/rpc/*', handler: async (request, reply) => reply.status(501).type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(`Method ${request.method} is not implemented for RPC: use GET, POST or OPTIONS`) });
    }
    else
    {
        // Not even a single-page app's index: an RPC client must learn that it asked the wrong service.
        server.all('/rpc/*', async (_request, reply) => reply.status(404).type('text/plain').send('This service serves no procedures'));
    }

    const { metrics } = parts;
    if (metrics !== undefined)
    {
        server.get('/metrics', async (request, reply) =>
        {
            const refusal = metrics.refusal({ trustKeyHeader: request.headers['x-jitar-trust-key'], authorization: request.headers.authorization, remoteAddress: request.socket.remoteAddress });
            if (refusal !== undefined) return reply.status(refusal.status).type('text/plain; charset=utf-8').send(refusal.message);
            const { contentType, body } = await metrics.text();
            return reply.type(contentType).send(body);
        });
    }

    server.get('/health', async (_request, reply) => reply.type('application/json').send(await health.report()));
    if (parts.openapi !== undefined) server.get('/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(parts.openapi));

    server.get('/health/status', async (_request, reply) => reply.type('text/plain').send(String(await health.isHealthy())));

    if (assets !== undefined)
    {
        // Loaded by the services that serve files only (see load-on-use.ts).
        const { default: fastifyStatic } = await import('@fastify/static');
        await server.register(fastifyStatic, { root: assets.root, serve: false });
        server.get('/*', async (request, reply) =>
        {
            const file = assets.whitelist.resolve(request.url);
            if (file === undefined) return reply.status(404).type('text/plain').send('Not found');
            return reply.sendFile(file);
        });
    }

    return { server, state };
}

/** Fastify asks for a schema compiler only for a route with a schema; none of ours has one. */
function noSchemas(): never
{
    throw new Error('jitar registers no Fastify route with a schema');
}

/** Fastify's default body limit, which forwarded requests keep too. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** How a gateway or proxy sends RPC requests on, its middleware included; undefined for services that answer them. */
function forwarderOf(parts: HttpParts, log: FastifyBaseLogger): Forward | undefined
{
    const { gateway, broker, proxy, middleware = [], observeForward = (forward: Forward) => forward } = parts;
    if (gateway !== undefined) return observeForward(withMiddleware(middleware, (fqn, request) => gateway.forward(fqn, request), middlewareFailed(log)));
    if (broker !== undefined) return observeForward(withMiddleware(middleware, (fqn, request) => broker.forward(fqn, request), middlewareFailed(log)));
    if (proxy !== undefined) return observeForward(withMiddleware(middleware, (_fqn, request) => proxy.rpcClient.send(proxy.targets.rpc, request), middlewareFailed(log)));
    return undefined;
}

/**
 * Answers through `reply.send` rather than a returned promise: Fastify then adds no promise of its own
 * around the handler, which is measurable at this rate.
 */
function answerRpc(rpc: RpcHandler, fqn: string, request: FastifyRequest, reply: FastifyReply, state: { closing: boolean }, logsRequests: boolean): void
{
    // The call's log lines carry the id Fastify's lines about the request carry.
    if (logsRequests && request.headers['x-request-id'] === undefined) request.headers['x-request-id'] = request.id;
    const call = toRpcCall(fqn, { method: request.method, query: request.query as Record<string, unknown>, rawHeaders: request.raw.rawHeaders, headers: () => request.headers, body: request.body });
    if (typeof call === 'string')
    {
        void reply.status(400).type('text/plain').send(call);
        return;
    }
    void rpc.handle(call).then(answer =>
    {
        void reply.code(answer.status);
        for (const name in answer.headers) void reply.header(name, answer.headers[name]);
        if (state.closing) void reply.header('connection', 'close');
        void reply.send(answer.body);
    });
}
