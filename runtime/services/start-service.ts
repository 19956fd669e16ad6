import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { FastifyInstance } from 'fastify';

import { readJitarConfig } from '../config/read-jitar-config.js';
import { installRuntime, uninstallRuntime } from '../core/global-runtime.js';
import { ProcedureRuntime } from '../core/procedure-runtime.js';
import type { SegmentModule } from '../core/segment-module.js';
import { ClusterCaller } from '../cluster/cluster-caller.js';
import { forwardedHeaders, runWithHeaders } from '../cluster/call-context.js';
import { Gateway } from '../cluster/gateway.js';
import { GatewayLink } from '../cluster/gateway-link.js';
import { ChannelClient, type PeerFaultListener } from '../cluster/channel-client.js';
import { HttpClient } from '../cluster/http-client.js';
import { KnownWorkers } from '../cluster/known-workers.js';
import { WorkerRegistry } from '../cluster/worker-registry.js';
import { rpcChannelHandler } from '../http/channel-rpc.js';
import { ChannelServer } from '../http/channel-server.js';
import { createHttpServer, DEFAULT_BODY_LIMIT, type HttpParts } from '../http/fastify-server.js';
import { forwardingChannelHandler } from '../http/forwarding.js';
import { middlewareFailed, withMiddleware } from '../http/forwarding-middleware.js';
import type { Manifest, ProcedureManifest } from '../manifest.js';
import { isMiddleware, type Middleware } from '../middleware/middleware.js';
import { ArgumentValidator } from '../rpc/argument-validator.js';
import { LoopbackCaller } from '../rpc/loopback-caller.js';
import { RpcHandler, type ValueCodec } from '../rpc/rpc-handler.js';
import { codecOf } from '../serialization/codec.js';
import { createClassResolver, type ClassConstructor, type ClassResolver } from '../serialization/serializer.js';
import { importAppModule } from './app-modules.js';
import { AssetWhitelist } from './asset-whitelist.js';
import { HealthChecks, isHealthCheck } from './health-checks.js';
import { listenFailure } from './listen-failure.js';
import type { LogFormat } from './log-format.js';
import { exposedFqns, readManifest, readManifestIfBuilt } from './manifest-file.js';
import { OPENAPI_PATH, readOpenApiDocument, servedPaths } from './openapi-file.js';
import { callLogFields, logMixin } from '../telemetry/call-scope.js';
import { observeForward } from '../telemetry/forward-observer.js';
import { gatewayLabels, noLabels } from '../telemetry/gateway-labels.js';
import { ServiceMetrics } from '../telemetry/metrics.js';
import { metricsRefusal } from '../telemetry/metrics-access.js';
import { rpcObserver } from '../telemetry/rpc-observer.js';
import { tracedTransport } from '../telemetry/traced-transport.js';
import { loadServiceConfig } from './service-config.js';
import { createServiceLogger, type Logger } from './service-logger.js';

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
    server: FastifyInstance;
    /** Stops taking requests, lets those in flight finish, then runs tearDown. */
    close(): Promise<void>;
}

/** How long a worker keeps serving after telling its gateway it stops: requests already on their way still land. */
const DRAIN_DELAY = 300;

/** How long stopping waits for requests in flight before it closes their connections. */
const CLOSE_GRACE = 10_000;

/** Starts one process of the runtime as its service file says. */
export async function startService(options: StartOptions): Promise<RunningService>
{
    const config = loadServiceConfig(resolve(options.cwd, options.serviceFile), { cwd: options.cwd, envFile: options.envFile });
    const { target } = readJitarConfig(options.cwd);
    const log = createServiceLogger({ level: options.logLevel ?? 'info', format: options.logFormat, mixin: logMixin });
    const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    // Whom this process trusts when it connects to https services; undefined: Node's default CAs.
    const ca = config.tls?.ca?.pem;

    for (const path of config.setUp) await importAppModule(target, path, 'setUp');

    const health = new HealthChecks(await loadAll(target, config.healthChecks, 'Health check', isHealthCheck));
    const middleware = await loadAll<Middleware>(target, config.middleware, 'Middleware', isMiddleware);
    const parts: HttpParts = { health, middleware };
    // Prometheus metrics at /metrics, when the service file turns them on (config refuses the key elsewhere).
    const metrics = config.metrics.enabled ? new ServiceMetrics() : undefined;
    if (metrics !== undefined)
    {
        const trustKey = 'trustKey' in config ? config.trustKey : undefined;
        parts.metrics = { text: () => metrics.text(), refusal: request => metricsRefusal(config.metrics, trustKey, request) };
    }
    // What the service has to do once it listens, and around closing, besides closing the server.
    let started: () => Promise<void> = async () => undefined;
    let beforeClose: () => Promise<void> = async () => undefined;
    let afterClose: () => Promise<void> = async () => undefined;
    let runtime: ProcedureRuntime | undefined;

    if (config.kind === 'standalone' || config.kind === 'worker')
    {
        const manifest = readManifest(target);
        const segments = await importSegments(manifest, config.segments, target, config.file);
        const resolver = createClassResolver(manifest.classes, classesOf(segments));
        const codec = codecOf(resolver);
        // A call that found no worker to go to went through the gateway: new routes are asked for now.
        let link: GatewayLink | undefined;
        const cluster = config.kind === 'worker' && config.gateway !== undefined
            ? joinCluster(config.url, config.gateway, config.trustKey, config.requestTimeout, ca, codec, () => link?.refreshRoutes(), () => link?.registered === true, log)
            : undefined;

        const local = new ProcedureRuntime(manifest, cluster?.caller);
        for (const segment of segments) local.register(segment);
        runtime = local;
        const validator = new ArgumentValidator(manifest, manifest.procedures.filter(procedure => local.holds(procedure.fqn, procedure.version)), isInstanceOf(resolver));
        // A serializing standalone's own calls pass the trust check as a worker's do, even when the file sets no key.
        const loopbackKey = config.kind === 'standalone' && config.serializeCalls ? config.trustKey ?? randomUUID() : undefined;
        const rpc: RpcHandler = new RpcHandler(manifest, local, validator, {
            trustKey: loopbackKey ?? config.trustKey, middleware, codec,
            withHeaders: cluster === undefined && loopbackKey === undefined ? undefined : runWithHeaders,
            procedureTimeout: config.requestTimeout,
            observe: rpcObserver({ metrics, log, select: (fqn, version): ProcedureManifest | undefined => rpc.select(fqn, version) }),
            onServerError: (error, call) => log.error({ err: error, fqn: call.fqn, ...callLogFields(name => firstValue(call.headers()[name])) }, 'procedure failed')
        });
        parts.rpc = rpc;
        if (loopbackKey !== undefined) local.serializeCallsThrough(new LoopbackCaller({ handler: rpc, codec, trustKey: loopbackKey, forwardedHeaders }));
        parts.channels = new ChannelServer({ handle: rpcChannelHandler(rpc), bodyLimit, log, limits: config.connections });
        installRuntime(local);

        if (config.kind === 'worker' && cluster !== undefined)
        {
            const gatewayLink = new GatewayLink({
                client: cluster.http, gateway: cluster.gateway, url: config.url, procedureNames: rpc.fqns, procedures: rpc.procedures, trustKey: config.trustKey,
                reportInterval: config.reportInterval,
                state: async () => await health.isHealthy() ? 'available' : 'unavailable',
                onRoutes: routes => cluster.workers.update(routes),
                log: { debug: message => log.debug(message), info: message => log.info(message), warn: message => log.warn(message), error: message => log.error(message) }
            });
            link = gatewayLink;
            started = () => gatewayLink.start();
            beforeClose = async () =>
            {
                http.state.closing = true;
                await gatewayLink.announceStopping();
                await new Promise(done => setTimeout(done, DRAIN_DELAY));
            };
            afterClose = async () =>
            {
                await gatewayLink.deregister();
                await Promise.all([cluster.client.close(), cluster.http.close()]);
            };
        }
    }
    else if (config.kind === 'gateway')
    {
        const client = new ChannelClient(config.requestTimeout, ca, peerFaultLog(log));
        const registry = new WorkerRegistry({ unavailableThreshold: config.unavailableThreshold, stoppedThreshold: config.stoppedThreshold });
        // After a restart, workers come back one report at a time: names they will serve are a 503 (try
        // again) until then, not a 404. The build says which names; without one, any name is, for as long
        // as a worker may take to be counted stopped.
        const build = readManifestIfBuilt(target);
        if (build === undefined) log.info(`No app build here: procedures no worker serves answer 503 for ${config.stoppedThreshold} ms after the start, 404 after`);
        const expected = build === undefined ? undefined : exposedFqns(build);
        const gateway = new Gateway(registry, tracedTransport(client, metrics), config.trustKey, { expected, gracePeriod: config.stoppedThreshold });
        parts.gateway = gateway;
        parts.observeForward = forward => observeForward(forward, { metrics, labels: gatewayLabels(registry, expected), log });
        // Proxies and workers that call through the gateway send over channels too.
        const forward = parts.observeForward(withMiddleware(middleware, (fqn, request) => gateway.forward(fqn, request), middlewareFailed(log)));
        parts.channels = new ChannelServer({ handle: forwardingChannelHandler(forward), bodyLimit, log, limits: config.connections });
        const monitor = setInterval(() => registry.monitor(), config.monitorInterval);
        monitor.unref();
        afterClose = async () =>
        {
            clearInterval(monitor);
            await client.close();
        };
    }
    else if (config.kind === 'proxy')
    {
        // RPC over a channel to the gateway or worker; files over HTTP, since they may be large.
        const rpcClient = tracedTransport(new ChannelClient(config.requestTimeout, ca, peerFaultLog(log)));
        const fileClient = new HttpClient(config.requestTimeout, ca);
        parts.proxy = { rpcClient, fileClient, targets: { rpc: config.rpcTarget.url, repository: config.repository } };
        parts.observeForward = forward => observeForward(forward, { metrics: undefined, labels: noLabels, log });
        afterClose = async () => { await Promise.all([rpcClient.close(), fileClient.close()]); };
    }

    if ((config.kind === 'standalone' || config.kind === 'repository') && config.assets.length > 0)
    {
        const root = resolve(options.cwd, config.assetRoot ?? target);
        parts.assets = { root, whitelist: new AssetWhitelist({ root, patterns: config.assets, indexFilename: config.indexFilename, serveIndexOnNotFound: config.serveIndexOnNotFound }) };
    }

    if ((config.kind === 'standalone' || config.kind === 'gateway') && config.openapi !== false)
    {
        // A gateway has no manifest of its own: it serves the document of the app build it starts in.
        const document = readOpenApiDocument(target);
        if (document === undefined && config.openapi === true) throw new Error(`${config.file}: 'openapi' is true, but the build has no OpenAPI document at '${join(target, OPENAPI_PATH)}': build the app with jitar-compile`);
        if (document !== undefined) parts.openapi = JSON.stringify(parts.rpc === undefined ? document : servedPaths(document, parts.rpc.fqns));
    }

    const tls = config.tls === undefined ? undefined : { cert: config.tls.cert.pem, key: config.tls.key.pem };
    const requestLogFields = (headers: Record<string, string | string[] | undefined>): Record<string, string> => callLogFields(name => firstValue(headers[name]));
    const http = await createHttpServer(parts, { log, bodyLimit, tls, connections: config.connections, requestLogFields });
    try
    {
        await http.server.listen({ host: config.host, port: config.port });
    }
    catch (error)
    {
        // Nothing was served: what the service set up for serving goes, so that the process can end.
        await http.server.close();
        await afterClose();
        if (runtime !== undefined) uninstallRuntime(runtime);
        throw listenFailure(error, options.serviceFile, config) ?? error;
    }
    await started();
    // The last guard: a rejection that no request path caught is a bug of ours or the app's, but a
    // process that serves many callers must not end for one of them; it is logged, and serving goes on.
    const unexpected = (reason: unknown): void => { log.error({ err: reason }, 'unhandled rejection (the process goes on serving)'); };
    process.on('unhandledRejection', unexpected);

    return {
        url: config.url,
        fqns: parts.rpc?.fqns ?? [],
        procedures: parts.rpc?.exposed ?? [],
        server: http.server,
        close: async () =>
        {
            await beforeClose();
            // Requests in flight get this long to finish; a client that keeps a connection busy past it
            // (a browser tab, say) must not keep the process from stopping.
            const force = setTimeout(() =>
            {
                http.server.server.closeAllConnections();
                parts.channels?.destroy();
            }, CLOSE_GRACE);
            // The server's close waits for the channels too: they are its connections.
            await Promise.all([http.server.close(), parts.channels?.drain()]);
            clearTimeout(force);
            await afterClose();
            if (runtime !== undefined) uninstallRuntime(runtime);
            process.off('unhandledRejection', unexpected);
            for (const path of config.tearDown) await importAppModule(target, path, 'tearDown');
        }
    };
}

/** What a worker with a gateway needs to call the procedures of other workers. */
function joinCluster(self: string, gateway: string, trustKey: string | undefined, requestTimeout: number, ca: Buffer | undefined, codec: ValueCodec, onNoRoute: () => void, registered: () => boolean, log: Logger)
{
    // Calls to other workers carry the call's trace on (client spans, with an SDK).
    const client = tracedTransport(new ChannelClient(requestTimeout, ca, peerFaultLog(log)));
    const workers = new KnownWorkers(self);
    // With a key, only through a gateway that took this worker (one with the same key: an open one refuses it).
    const caller = new ClusterCaller({ client, codec, workers, gateway, trustKey, onNoRoute, gatewayTrusted: trustKey === undefined ? undefined : registered });
    // Registration and reports are the gateway's HTTP API, not RPC.
    const http = new HttpClient(requestTimeout, ca);
    return { client, http, workers, caller, gateway };
}

function firstValue(value: string | readonly string[] | undefined): string | undefined
{
    return typeof value === 'string' || value === undefined ? value : value[0];
}

/** A log line naming the process whose answer was refused: the call gets a 502, an operator the culprit. */
function peerFaultLog(log: Logger): PeerFaultListener
{
    return (peer, problem) => log.warn({ peer }, `Answer from ${peer} refused: ${problem}`);
}

/** The entry modules of the service's segments. */
async function importSegments(manifest: Manifest, segments: readonly string[], target: string, serviceFile: string): Promise<SegmentModule[]>
{
    const modules: SegmentModule[] = [];
    for (const name of segments)
    {
        if (!manifest.segments.some(segment => segment.name === name))
        {
            throw new Error(`${serviceFile}: segment '${name}' is not in the app's build; its segments are ${manifest.segments.map(segment => `'${segment.name}'`).join(', ') || 'none'}`);
        }
        const entry = await import(pathToFileURL(join(target, '.jitar/segments', `${name}.js`)).href) as { default: SegmentModule };
        modules.push(entry.default);
    }
    return modules;
}

/** The classes the segments bring, by key. */
function classesOf(segments: readonly SegmentModule[]): Map<string, ClassConstructor>
{
    const classes = new Map<string, ClassConstructor>();
    for (const segment of segments)
    {
        for (const item of segment.classes) classes.set(item.key, item.implementation as ClassConstructor);
    }
    return classes;
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

function isInstanceOf(resolver: ClassResolver): (key: string, value: unknown) => boolean
{
    return (key, value) =>
    {
        const registered = resolver.get(key);
        return registered !== undefined && value instanceof registered.constructor;
    };
}
