import { randomUUID } from 'node:crypto';

import { readManifest } from '../app-build/manifest-file.js';
import { importSegments } from '../app-build/segment-modules.js';
import { ChannelServer } from '../channel/channel-server.js';
import { forwardedHeaders, runWithHeaders } from '../cluster/call-context.js';
import { installRuntime, uninstallRuntime } from '../core/global-runtime.js';
import { rpcChannelHandler } from '../http/channel-rpc.js';
import { withChangedModules } from '../reload/changed-modules.js';
import type { ArgumentValidator } from '../rpc/argument-validator.js';
import { LoopbackCaller } from '../rpc/loopback-caller.js';
import { appSegments, isInstanceOf, loadSegments, procedureHandler, type AppSegments, type ServedProcedures } from './procedures.js';
import { servedAssets, servedOpenApi } from './served-files.js';
import type { ServiceContext, ServiceRole } from './service-context.js';

/**
 * A standalone: every segment it names in one process, with its assets and the app's OpenAPI document.
 * It can reload (jitar dev): import its segments' changed modules again and serve them from the next call on.
 */
export async function startStandalone(context: ServiceContext<'standalone'>): Promise<ServiceRole>
{
    const { config, target, log, bodyLimit } = context;
    let app = await loadSegments(context);
    // A serializing standalone's own calls pass the trust check as a worker's do, even when the file sets no key.
    const loopbackKey = config.serializeCalls ? config.trustKey ?? randomUUID() : undefined;
    // The classes of the load being served: a reload brings classes of its own, and a kept validator asks these.
    let classes = app.resolver;
    const instanceOf = (key: string, value: unknown): boolean => isInstanceOf(classes)(key, value);
    const serve = async (loaded: AppSegments, validator?: ArgumentValidator): Promise<ServedProcedures> =>
    {
        const served = await procedureHandler(context, loaded, {
            trustKey: loopbackKey ?? config.trustKey,
            withHeaders: loopbackKey === undefined ? undefined : runWithHeaders,
            isInstanceOf: instanceOf,
            validator
        });
        if (loopbackKey !== undefined) served.runtime.serializeCallsThrough(new LoopbackCaller({ handler: served.rpc, codec: loaded.codec, trustKey: loopbackKey, forwardedHeaders }));
        return served;
    };

    let served = await serve(app);
    installRuntime(served.runtime);
    // Channels reach the handler being served at the time of the call.
    const channels = new ChannelServer({ handle: rpcChannelHandler({ handle: call => served.rpc.handle(call) }), bodyLimit, log, limits: config.connections });
    const role: ServiceRole = {
        runtime: served.runtime,
        parts: { rpc: served.rpc, channels, assets: servedAssets(context), openapi: servedOpenApi(context, served.rpc.fqns) },
        reload: async ({ manifestChanged, changed }) =>
        {
            // With the module versions of jitar dev, the modules imported again are the changed ones.
            const manifest = manifestChanged ? readManifest(target) : app.manifest;
            const segments = manifestChanged
                ? await importSegments(manifest, config.segments, target, config.file)
                : await withChangedModules(app.segments, manifest, target, new Set(changed));
            const loaded = appSegments(manifest, segments);
            const next = await serve(loaded, manifestChanged ? undefined : served.validator);
            // One step: calls in flight finish on the code they started with, the next ones get the new.
            const previous = served.runtime;
            app = loaded;
            classes = loaded.resolver;
            served = next;
            uninstallRuntime(previous);
            installRuntime(next.runtime);
            role.runtime = next.runtime;
            return { rpc: next.rpc, openapi: manifestChanged ? servedOpenApi(context, next.rpc.fqns) : undefined };
        }
    };
    return role;
}
