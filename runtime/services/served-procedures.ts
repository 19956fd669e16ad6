import { randomUUID } from 'node:crypto';

import { forwardedHeaders, runWithHeaders } from '../cluster/call-context.js';
import { ProcedureRuntime, type RemoteCaller } from '../core/procedure-runtime.js';
import type { SegmentModule } from '../core/segment-module.js';
import type { Manifest } from '../manifest.js';
import type { Middleware } from '../middleware/middleware.js';
import { ArgumentValidator } from '../rpc/argument-validator.js';
import { LoopbackCaller } from '../rpc/loopback-caller.js';
import { RpcHandler, type ValueCodec } from '../rpc/rpc-handler.js';
import type { IsInstanceOfClass } from '../validation/keywords.js';
import type { Logger } from './service-logger.js';
import type { StandaloneServiceConfig, WorkerServiceConfig } from './service-config.js';

export interface ProcedureInputs
{
    manifest: Manifest;
    segments: readonly SegmentModule[];
    config: StandaloneServiceConfig | WorkerServiceConfig;
    middleware: readonly Middleware[];
    codec: ValueCodec;
    isInstanceOf: IsInstanceOfClass;
    log: Logger;
    /** Where calls go to procedures that no segment here holds (a worker's cluster). */
    remote?: RemoteCaller;
    /**
     * The validator of a load of the same manifest (object), kept: compiling the validators is most of a
     * large app's start, and a reload whose manifest did not change needs no new ones.
     */
    validator?: ArgumentValidator;
}

/** What a standalone or worker serves: its segments' implementations, and the RPC handler in front of them. */
export interface ServedProcedures
{
    manifest: Manifest;
    runtime: ProcedureRuntime;
    validator: ArgumentValidator;
    rpc: RpcHandler;
}

/** Builds the procedure runtime and the RPC handler of a standalone or worker from its segments' modules. */
export function serveProcedures(inputs: ProcedureInputs): ServedProcedures
{
    const { manifest, config, codec, log } = inputs;
    const runtime = new ProcedureRuntime(manifest, inputs.remote);
    for (const segment of inputs.segments) runtime.register(segment);
    const validator = inputs.validator ?? new ArgumentValidator(manifest, manifest.procedures.filter(procedure => runtime.holds(procedure.fqn, procedure.version)), inputs.isInstanceOf);
    // A serializing standalone's own calls pass the trust check as a worker's do, even when the file sets no key.
    const loopbackKey = config.kind === 'standalone' && config.serializeCalls ? config.trustKey ?? randomUUID() : undefined;
    const rpc = new RpcHandler(manifest, runtime, validator, {
        trustKey: loopbackKey ?? config.trustKey, middleware: inputs.middleware, codec,
        withHeaders: inputs.remote === undefined && loopbackKey === undefined ? undefined : runWithHeaders,
        procedureTimeout: config.requestTimeout,
        onServerError: (error, call) => log.error({ err: error, fqn: call.fqn }, 'procedure failed')
    });
    if (loopbackKey !== undefined) runtime.serializeCallsThrough(new LoopbackCaller({ handler: rpc, codec, trustKey: loopbackKey, forwardedHeaders }));
    return { manifest, runtime, validator, rpc };
}
