import { context } from '@opentelemetry/api';

import type { ProcedureManifest } from '../manifest.js';
import { failureOf, type RpcAnswer, type RpcCall, type RpcObserver } from '../rpc/rpc-handler.js';
import { parseVersion } from '../procedure-versions.js';
import { runInScope, scopeOf } from './call-scope.js';
import type { ServiceMetrics } from './metrics.js';
import type { TelemetryLog } from './telemetry-log.js';
import { activeTracer, endSpan, extractTraceContext, rpcAttributes, SpanKind, startServerSpan, type HeaderReader } from './trace-context.js';

export interface RpcTelemetryOptions
{
    /** Absent: the service file leaves metrics off. */
    metrics: ServiceMetrics | undefined;
    log: TelemetryLog;
    /** The procedure a call runs (the RPC handler's own choice of version), for the span and the labels. */
    select: (fqn: string, version: string) => ProcedureManifest | undefined;
}

/**
 * What a standalone or worker records around each RPC call it answers, whatever transport brought it:
 * its metrics, a server span (when the app registered an OpenTelemetry SDK) in whose context the
 * procedure runs (so that the calls it makes are its children), and, with the log at debug, one line
 * per call. With all of them off, the call runs as it would without this.
 */
export function rpcObserver(options: RpcTelemetryOptions): RpcObserver
{
    const { metrics, log, select } = options;
    // A process's log level is set once, at its start.
    const debug = log.isLevelEnabled('debug');
    return (call: RpcCall, run: () => Promise<RpcAnswer>): Promise<RpcAnswer> =>
    {
        // A dry run or a preflight runs nothing: it is no call.
        if (call.mode !== 'call') return run();
        const tracer = activeTracer();
        if (tracer === undefined && !debug && metrics === undefined) return run();

        const started = performance.now();
        const version = parseVersion(call.version);
        const procedure = version === undefined ? undefined : select(call.fqn, version);
        const labels = { procedure: procedure?.fqn ?? '', version: procedure?.version ?? '' };
        const record = (answer: RpcAnswer): RpcAnswer =>
        {
            metrics?.call(labels.procedure, labels.version, answer.status, (performance.now() - started) / 1000);
            return answer;
        };
        if (tracer === undefined && !debug) return run().then(record);

        const headers = call.headers();
        const read: HeaderReader = name => { const value = headers[name]; return Array.isArray(value) ? value[0] : value; };
        const parent = extractTraceContext(read);
        const attributes = rpcAttributes(procedure?.fqn ?? call.fqn, procedure?.version);
        if (procedure !== undefined) attributes['rpc.service'] = procedure.segments.join(',');
        const traced = tracer === undefined ? undefined : startServerSpan(tracer, procedure?.fqn ?? 'jitar unknown procedure', parent, attributes);
        const scope = scopeOf(read, traced?.span.spanContext());
        return runInScope(scope, () => context.with(traced?.context ?? parent, () => run().then(answer =>
        {
            if (traced !== undefined) endSpan(traced.span, SpanKind.SERVER, answer.status, failureOf(answer));
            if (debug) log.debug({ fqn: call.fqn, version: labels.version, status: answer.status, ms: Math.round(performance.now() - started) }, 'rpc call answered');
            return record(answer);
        })));
    };
}
