import { resolve } from 'node:path';

import { importAppModule } from '../app-build/app-modules.js';
import { readJitarConfig } from '../config/read-jitar-config.js';
import { uninstallRuntime } from '../core/global-runtime.js';
import { HealthChecks, isHealthCheck } from '../health/health-checks.js';
import { createHttpServer, DEFAULT_BODY_LIMIT, type HttpParts } from '../http/fastify-server.js';
import type { LogFormat } from '../logging/log-format.js';
import { createServiceLogger } from '../logging/service-logger.js';
import type { ProcedureManifest } from '../manifest.js';
import { isMiddleware, type Middleware } from '../middleware/middleware.js';
import { callLogFields, logMixin } from '../telemetry/call-scope.js';
import { metricsRefusal } from '../telemetry/metrics-access.js';
import { listenFailure } from './listen-failure.js';
import { loadServiceConfig, type ServiceConfig } from './service-config.js';
import type { ReloadOptions, ServiceContext, ServiceRole } from './service-context.js';

export interface StartOptions
{
    /** The service file, relative to `cwd`. */
    serviceFile: string;
    /** The app's root: where jitar.json is. */
    cwd: string;
    logLevel?: string;
    /** Default: readable lines when stdout is a terminal, JSON lines otherwise. */
    logFormat?: LogFormat;
    envFile?: string;
    bodyLimit?: number;
}

export interface RunningService
{
    url: string;
    /** The procedures this process serves over RPC. */
    fqns: string[];
    /** ... each version of them, as the manifest describes it: by FQN, then version. */
    procedures: ProcedureManifest[];
    /** Stops taking requests, lets those in flight finish, then runs tearDown. */
    close(): Promise<void>;
    /**
     * A standalone's: imports its segments' changed modules (or, when the manifest changed, its segments)
     * again and serves them from the next call on (jitar dev, after a build).
     */
    reload?(options: ReloadOptions): Promise<{ fqns: string[] }>;
}

/** How long stopping waits for requests in flight before it closes their connections. */
const CLOSE_GRACE = 10_000;

/**
 * Starts one process of the runtime as its service file says: the app's setUp modules, health checks and
 * middleware; then what its kind serves (standalone-service.ts, worker-service.ts, gateway-service.ts,
 * repository-service.ts, proxy-service.ts); then the HTTP server, listening.
 */
export async function startService(options: StartOptions): Promise<RunningService>
{
    const context = await prepare(options);
    const role = await startRole(context);
    const server = await listen(context, role, options.serviceFile);
    await role.started?.();
    // The last guard: a rejection that no request path caught is a bug of ours or the app's, but a
    // process that serves many callers must not end for one of them; it is logged, and serving goes on.
    const unexpected = (reason: unknown): void => { context.log.error({ err: reason }, 'unhandled rejection (the process goes on serving)'); };
    process.on('unhandledRejection', unexpected);

    const { rpc } = role.parts;
    return {
        url: context.config.url,
        fqns: rpc?.fqns ?? [],
        procedures: rpc?.exposed ?? [],
        reload: role.reload === undefined ? undefined : async options =>
        {
            const next = await (role.reload as NonNullable<ServiceRole['reload']>)(options);
            // The server's routes read these per request.
            server.parts.rpc = next.rpc;
            if (next.openapi !== undefined) server.parts.openapi = next.openapi;
            return { fqns: next.rpc?.fqns ?? [] };
        },
        close: async () =>
        {
            await stop(role, server);
            process.off('unhandledRejection', unexpected);
            for (const path of context.config.tearDown) await importAppModule(context.target, path, 'tearDown');
        }
    };
}

/** The configuration, the log, and the app's setUp modules, health checks and middleware. */
async function prepare(options: StartOptions): Promise<ServiceContext>
{
    const config = loadServiceConfig(resolve(options.cwd, options.serviceFile), { cwd: options.cwd, envFile: options.envFile });
    const { target } = readJitarConfig(options.cwd);
    // Every line logged while a call is served carries its trace and request ids.
    const log = createServiceLogger({ level: options.logLevel ?? 'info', format: options.logFormat, mixin: logMixin });
    for (const path of config.setUp) await importAppModule(target, path, 'setUp');
    const health = new HealthChecks(await loadAll(target, config.healthChecks, 'Health check', isHealthCheck));
    const middleware = await loadAll<Middleware>(target, config.middleware, 'Middleware', isMiddleware);
    // prom-client is loaded only by a service that keeps metrics (bench/startup counts what a start loads).
    const metrics = config.metrics.enabled ? new (await import('../telemetry/metrics.js')).ServiceMetrics() : undefined;
    return { config, cwd: options.cwd, target, log, bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, ca: config.tls?.ca?.pem, health, middleware, metrics };
}

/**
 * What the service's kind serves; the switch is over the config, so that each step gets its kind's. Each
 * kind's module is loaded only for that kind: a standalone loads no cluster, a gateway no app.
 */
async function startRole(context: ServiceContext): Promise<ServiceRole>
{
    const config: ServiceConfig = context.config;
    switch (config.kind)
    {
        case 'standalone': return (await import('./standalone-service.js')).startStandalone({ ...context, config });
        case 'worker': return (await import('./worker-service.js')).startWorker({ ...context, config });
        case 'gateway': return (await import('./gateway-service.js')).startGateway({ ...context, config });
        case 'repository': return (await import('./repository-service.js')).startRepository({ ...context, config });
        case 'proxy': return (await import('./proxy-service.js')).startProxy({ ...context, config });
    }
}

/** The listening server, and the parts it serves (a reload replaces some). */
type Listening = Awaited<ReturnType<typeof createHttpServer>> & { parts: HttpParts };

/** The HTTP server, listening where the service file's `url` says; when it cannot, what the role set up goes. */
async function listen({ config, log, bodyLimit, health, middleware, metrics }: ServiceContext, role: ServiceRole, serviceFile: string): Promise<Listening>
{
    const tls = config.tls === undefined ? undefined : { cert: config.tls.cert.pem, key: config.tls.key.pem };
    const trustKey = 'trustKey' in config ? config.trustKey : undefined;
    const metricsEndpoint = metrics === undefined ? undefined : { text: () => metrics.text(), refusal: (request: Parameters<typeof metricsRefusal>[2]) => metricsRefusal(config.metrics, trustKey, request) };
    const requestLogFields = (headers: Record<string, string | string[] | undefined>): Record<string, string> => callLogFields(name => firstValue(headers[name]));
    const parts: HttpParts = { ...role.parts, health: role.health ?? health, middleware, metrics: metricsEndpoint };
    const http = await createHttpServer(parts, { log, bodyLimit, tls, connections: config.connections, requestLogFields });
    try
    {
        await http.server.listen({ host: config.host, port: config.port });
        return { ...http, parts };
    }
    catch (error)
    {
        // Nothing was served: what the service set up for serving goes, so that the process can end.
        await http.server.close();
        await role.afterClose?.();
        if (role.runtime !== undefined) uninstallRuntime(role.runtime);
        throw listenFailure(error, serviceFile, config) ?? error;
    }
}

/** Stops taking requests, lets those in flight finish (for CLOSE_GRACE at most), then lets the role's own go. */
async function stop(role: ServiceRole, http: Listening): Promise<void>
{
    const { channels } = role.parts;
    await role.beforeClose?.(http.state);
    // Requests in flight get this long to finish; a client that keeps a connection busy past it
    // (a browser tab, say) must not keep the process from stopping.
    const force = setTimeout(() =>
    {
        http.server.server.closeAllConnections();
        channels?.destroy();
    }, CLOSE_GRACE);
    // The server's close waits for the channels too: they are its connections.
    await Promise.all([http.server.close(), channels?.drain()]);
    clearTimeout(force);
    await role.afterClose?.();
    if (role.runtime !== undefined) uninstallRuntime(role.runtime);
}

async function loadAll<T>(target: string, paths: readonly string[], what: string, isValid: (value: unknown) => value is T): Promise<T[]>
{
    const loaded: T[] = [];
    for (const path of paths)
    {
        const value = await importAppModule(target, path, what);
        if (!isValid(value)) throw new Error(`${what} module '${path}' must export ${what === 'Middleware' ? 'an object with handle(request, next)' : 'an object with a name and isHealthy()'} as its default export`);
        loaded.push(value);
    }
    return loaded;
}

/** A header's first value. */
function firstValue(value: string | readonly string[] | undefined): string | undefined
{
    return typeof value === 'string' || value === undefined ? value : value[0];
}
