import { context } from '@opentelemetry/api';

import { requestHeader } from '../transport/raw-headers.js';
import type { HttpAnswer, HttpRequest } from '../transport/transport.js';
import { statusOf } from '../errors.js';
import type { Forward } from '../http/forwarding.js';
import { VERSION_HEADER } from '../procedure-versions.js';
import { REQUEST_ID_HEADER, runInScope, scopeOf } from './call-scope.js';
import type { ServiceMetrics } from './metrics.js';
import type { TelemetryLog } from './telemetry-log.js';
import { activeTracer, endSpan, extractTraceContext, rpcAttributes, SpanKind, startServerSpan, type HeaderReader } from './trace-context.js';
import { withHeaders } from './traced-transport.js';

/** The metric labels of a forwarded call: only names and versions the process routes (see ServiceMetrics). */
export type ForwardLabels = (fqn: string, versionHeader: string | undefined) => { procedure: string; version: string };

export interface ForwardTelemetryOptions
{
    /** A gateway's, when its service file turns metrics on. */
    metrics: ServiceMetrics | undefined;
    labels: ForwardLabels;
    log: TelemetryLog;
}

/**
 * What a gateway (or proxy) records around each RPC request it forwards, middleware included: its
 * metrics, a server span (with an SDK) in whose context the request goes on (its client span is that
 * span's child: traced-transport.ts), and with the log at debug one line per request. A request id made
 * here goes on with the request. With all of them off, the forward is returned as it is.
 */
export function observeForward(forward: Forward, options: ForwardTelemetryOptions): Forward
{
    const { metrics, labels, log } = options;
    // A process's log level is set once, at its start.
    const debug = log.isLevelEnabled('debug');
    return (fqn: string, request: HttpRequest): Promise<HttpAnswer> =>
    {
        const tracer = activeTracer();
        if (tracer === undefined && !debug && metrics === undefined) return forward(fqn, request);

        const started = performance.now();
        const read: HeaderReader = name => requestHeader(request.headers, name);
        const { procedure, version } = labels(fqn, read(VERSION_HEADER));
        const finish = (status: number, error?: unknown): void =>
        {
            metrics?.call(procedure, version, status, (performance.now() - started) / 1000);
            if (debug) log.debug({ fqn, version, status, ms: Math.round(performance.now() - started) }, 'rpc call forwarded');
        };
        if (tracer === undefined && !debug)
        {
            return forward(fqn, request).then(answer => { finish(answer.status); return answer; }, (error: unknown) => { finish(statusOf(error)); throw error; });
        }

        const parent = extractTraceContext(read);
        const traced = tracer === undefined ? undefined : startServerSpan(tracer, procedure === '' ? fqn : procedure, parent, rpcAttributes(fqn, version));
        const scope = scopeOf(read, traced?.span.spanContext());
        // The id goes on with the request even where no transport of ours adds it (a worker the gateway calls over NATS, say).
        const outgoing = scope.madeRequestId ? { ...request, headers: withHeaders(request.headers, { [REQUEST_ID_HEADER]: scope.requestId }) } : request;
        return runInScope(scope, () => context.with(traced?.context ?? parent, () => forward(fqn, outgoing).then(
            answer =>
            {
                if (traced !== undefined) endSpan(traced.span, SpanKind.SERVER, answer.status);
                finish(answer.status);
                return answer;
            },
            (error: unknown) =>
            {
                const status = statusOf(error);
                if (traced !== undefined) endSpan(traced.span, SpanKind.SERVER, status, error);
                finish(status, error);
                throw error;
            })));
    };
}
