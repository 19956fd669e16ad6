import { readManifest } from '../app-build/manifest-file.js';
import { importSegments } from '../app-build/segment-modules.js';
import { ChannelServer } from '../channel/channel-server.js';
import { installRuntime } from '../core/global-runtime.js';
import { ProcedureRuntime, type RemoteCaller } from '../core/procedure-runtime.js';
import type { SegmentModule } from '../core/segment-module.js';
import { rpcChannelHandler } from '../http/channel-rpc.js';
import type { Manifest, ProcedureManifest } from '../manifest.js';
import type { RequestHeaders } from '../middleware/request.js';
import { loadArgumentValidator, type ArgumentValidator } from '../rpc/argument-validator.js';
import { RpcHandler } from '../rpc/rpc-handler.js';
import { codecOf, type ValueCodec } from '../serialization/codec.js';
import { createClassResolver, type ClassConstructor, type ClassResolver } from '../serialization/class-resolver.js';
import { callLogFields } from '../telemetry/call-scope.js';
import { rpcObserver } from '../telemetry/rpc-observer.js';
import type { ServiceContext } from './service-context.js';

/** The part of the app's build a standalone or worker runs: the manifest, its segments, and their classes. */
export interface AppSegments
{
    manifest: Manifest;
    segments: SegmentModule[];
    resolver: ClassResolver;
    codec: ValueCodec;
}

export async function loadSegments({ config, target }: ServiceContext<'standalone' | 'worker'>): Promise<AppSegments>
{
    const manifest = readManifest(target);
    const segments = await importSegments(manifest, config.segments, target, config.file);
    const resolver = createClassResolver(manifest.classes, classesOf(segments));
    return { manifest, segments, resolver, codec: codecOf(resolver) };
}

export interface ServingOptions
{
    /**
     * The validator of an earlier load of the same manifest (object), kept by a reload whose manifest did
     * not change: compiling the validators is most of a large app's start.
     */
    validator?: ArgumentValidator;
    /** Which class a value must be an instance of, when not the app's classes' (a reloading standalone: the newest load's). */
    isInstanceOf?: (key: string, value: unknown) => boolean;
    /** Where calls to procedures of other segments go (a worker's cluster); undefined: nowhere. */
    caller?: RemoteCaller;
    trustKey: string | undefined;
    /** Runs procedures with their request's headers at hand, for the calls they make to pass on. */
    withHeaders?: <T>(headers: RequestHeaders, run: () => Promise<T>) => Promise<T>;
}

export interface ServedProcedures
{
    runtime: ProcedureRuntime;
    rpc: RpcHandler;
    validator: ArgumentValidator;
}

/**
 * Serves the segments' procedures: over HTTP (the RpcHandler the server routes to) and over channels from
 * gateways and other workers; the runtime is installed, so that the app's proxies find it.
 */
export async function serveProcedures(context: ServiceContext<'standalone' | 'worker'>, app: AppSegments, options: ServingOptions): Promise<ServedProcedures & { channels: ChannelServer }>
{
    const { config, log, bodyLimit } = context;
    const served = await procedureHandler(context, app, options);
    const channels = new ChannelServer({ handle: rpcChannelHandler(served.rpc), bodyLimit, log, limits: config.connections });
    installRuntime(served.runtime);
    return { ...served, channels };
}

/** The procedure runtime and the RPC handler in front of it, neither installed nor served yet (a reload builds these). */
export async function procedureHandler(context: ServiceContext<'standalone' | 'worker'>, app: AppSegments, options: ServingOptions): Promise<ServedProcedures>
{
    const { config, log, middleware, target, metrics } = context;
    const { manifest, resolver, codec } = app;
    const runtime = new ProcedureRuntime(manifest, options.caller);
    for (const segment of app.segments) runtime.register(segment);
    // The validators jitar-compile wrote; compiled now only when the build's cannot be used.
    const validator = options.validator ?? await loadArgumentValidator(manifest, manifest.procedures.filter(procedure => runtime.holds(procedure.fqn, procedure.version)), options.isInstanceOf ?? isInstanceOf(resolver), {
        target, onCompileAtStart: problem => log.warn(`Compiling the argument validators at start (slower): ${problem}; rebuild the app with this jitar-compile`)
    });
    const rpc: RpcHandler = new RpcHandler(manifest, runtime, validator, {
        trustKey: options.trustKey, middleware, codec, withHeaders: options.withHeaders,
        procedureTimeout: config.requestTimeout,
        // Spans, metrics and request ids around every call, whatever transport brought it.
        observe: rpcObserver({ metrics, log, select: (fqn, version): ProcedureManifest | undefined => rpc.select(fqn, version) }),
        onServerError: (error, call) => log.error({ err: error, fqn: call.fqn, ...callLogFields(name => headerValue(call.headers()[name])) }, 'procedure failed')
    });
    return { runtime, rpc, validator };
}

/** The app's segments with the modules in `changed` imported again (reload.ts); manifest and the rest as they were. */
export function appSegments(manifest: Manifest, segments: SegmentModule[]): AppSegments
{
    const resolver = createClassResolver(manifest.classes, classesOf(segments));
    return { manifest, segments, resolver, codec: codecOf(resolver) };
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

export function isInstanceOf(resolver: ClassResolver): (key: string, value: unknown) => boolean
{
    return (key, value) =>
    {
        const registered = resolver.get(key);
        return registered !== undefined && value instanceof registered.constructor;
    };
}

function headerValue(value: string | readonly string[] | undefined): string | undefined
{
    return typeof value === 'string' || value === undefined ? value : value[0];
}
