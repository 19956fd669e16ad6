import { randomUUID } from 'node:crypto';

import { forwardedHeaders, runWithHeaders } from '../cluster/call-context.js';
import { LoopbackCaller } from '../rpc/loopback-caller.js';
import { loadSegments, serveProcedures } from './procedures.js';
import { servedAssets, servedOpenApi } from './served-files.js';
import type { ServiceContext, ServiceRole } from './service-context.js';

/** A standalone: every segment it names in one process, with its assets and the app's OpenAPI document. */
export async function startStandalone(context: ServiceContext<'standalone'>): Promise<ServiceRole>
{
    const { config } = context;
    const app = await loadSegments(context);
    // A serializing standalone's own calls pass the trust check as a worker's do, even when the file sets no key.
    const loopbackKey = config.serializeCalls ? config.trustKey ?? randomUUID() : undefined;
    const { runtime, rpc, channels } = serveProcedures(context, app, {
        trustKey: loopbackKey ?? config.trustKey,
        withHeaders: loopbackKey === undefined ? undefined : runWithHeaders
    });
    if (loopbackKey !== undefined) runtime.serializeCallsThrough(new LoopbackCaller({ handler: rpc, codec: app.codec, trustKey: loopbackKey, forwardedHeaders }));
    return { runtime, parts: { rpc, channels, assets: servedAssets(context), openapi: servedOpenApi(context, rpc.fqns) } };
}
