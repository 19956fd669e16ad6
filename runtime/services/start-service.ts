import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { FastifyInstance } from 'fastify';

import { readJitarConfig } from '../config/read-jitar-config.js';
import { installRuntime, uninstallRuntime } from '../core/global-runtime.js';
import { ProcedureRuntime } from '../core/procedure-runtime.js';
import type { SegmentModule } from '../core/segment-module.js';
import { createHttpServer, type HttpParts } from '../http/fastify-server.js';
import type { Manifest } from '../manifest.js';
import { isMiddleware, type Middleware } from '../middleware/middleware.js';
import { ArgumentValidator } from '../rpc/argument-validator.js';
import { RpcHandler, type ValueCodec } from '../rpc/rpc-handler.js';
import { createClassResolver, deserialize, serialize, type ClassConstructor, type ClassResolver } from '../serialization/serializer.js';
import { importAppModule } from './app-modules.js';
import { AssetWhitelist } from './asset-whitelist.js';
import { HealthChecks, isHealthCheck } from './health-checks.js';
import { readManifest } from './manifest-file.js';
import { loadServiceConfig } from './service-config.js';

export interface StartOptions
{
    /** The service file, relative to `cwd`. */
    serviceFile: string;
    /** The app's root: where jitar.json is. */
    cwd: string;
    logLevel?: string;
    envFile?: string;
    bodyLimit?: number;
}

export interface RunningService
{
    url: string;
    /** The procedures this process serves over RPC. */
    fqns: string[];
    server: FastifyInstance;
    /** Stops taking requests, lets those in flight finish, then runs tearDown. */
    close(): Promise<void>;
}

/** Starts one process of the runtime as its service file says. */
export async function startService(options: StartOptions): Promise<RunningService>
{
    const config = loadServiceConfig(resolve(options.cwd, options.serviceFile), { cwd: options.cwd, envFile: options.envFile });
    const { target } = readJitarConfig(options.cwd);
    const logLevel = options.logLevel ?? 'info';

    for (const path of config.setUp) await importAppModule(target, path, 'setUp');

    const parts: HttpParts = { health: new HealthChecks(await loadAll(target, config.healthChecks, 'Health check', isHealthCheck)) };
    let runtime: ProcedureRuntime | undefined;
    if (config.kind === 'standalone' || config.kind === 'worker')
    {
        if (config.kind === 'worker' && config.gateway !== undefined) throw new Error(`${config.file}: a worker with a gateway needs the cluster services, which this version does not have yet; leave out 'gateway' to serve alone`);
        const manifest = readManifest(target);
        const local = new ProcedureRuntime(manifest);
        runtime = local;
        const classes = await loadSegments(local, manifest, config.segments, target, config.file);
        const resolver = createClassResolver(manifest.classes, classes);
        const codec: ValueCodec = { serialize: value => serialize(value, resolver), deserialize: value => deserialize(value, resolver) };
        const validator = new ArgumentValidator(manifest, manifest.procedures.filter(procedure => local.holds(procedure.fqn, procedure.version)), isInstanceOf(resolver));
        const middleware = await loadAll<Middleware>(target, config.middleware, 'Middleware', isMiddleware);
        parts.rpc = new RpcHandler(manifest, local, validator, {
            trustKey: config.trustKey, middleware, codec,
            onServerError: (error, call) => server.log.error({ err: error, fqn: call.fqn }, 'procedure failed')
        });
        installRuntime(local);
    }
    else if (config.kind !== 'repository')
    {
        throw new Error(`${config.file}: '${config.kind}' services come with the cluster, which this version does not have yet`);
    }

    if ((config.kind === 'standalone' || config.kind === 'repository') && config.assets.length > 0)
    {
        const root = resolve(options.cwd, config.assetRoot ?? target);
        parts.assets = { root, whitelist: new AssetWhitelist({ root, patterns: config.assets, indexFilename: config.indexFilename, serveIndexOnNotFound: config.serveIndexOnNotFound }) };
    }

    const server = await createHttpServer(parts, { logLevel, bodyLimit: options.bodyLimit });
    await server.listen({ host: config.host, port: config.port });

    return {
        url: config.url,
        fqns: parts.rpc?.fqns ?? [],
        server,
        close: async () =>
        {
            await server.close();
            if (runtime !== undefined) uninstallRuntime(runtime);
            for (const path of config.tearDown) await importAppModule(target, path, 'tearDown');
        }
    };
}

/** Registers the service's segments; returns the classes they bring, by key. */
async function loadSegments(runtime: ProcedureRuntime, manifest: Manifest, segments: readonly string[], target: string, serviceFile: string): Promise<Map<string, ClassConstructor>>
{
    const classes = new Map<string, ClassConstructor>();
    for (const name of segments)
    {
        if (!manifest.segments.some(segment => segment.name === name))
        {
            throw new Error(`${serviceFile}: segment '${name}' is not in the app's build; its segments are ${manifest.segments.map(segment => `'${segment.name}'`).join(', ') || 'none'}`);
        }
        const entry = await import(pathToFileURL(join(target, '.jitar/segments', `${name}.js`)).href) as { default: SegmentModule };
        runtime.register(entry.default);
        for (const item of entry.default.classes) classes.set(item.key, item.implementation as ClassConstructor);
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
