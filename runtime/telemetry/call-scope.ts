import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

import { trace } from '@opentelemetry/api';

import { traceIdOf, type HeaderReader } from './trace-context.js';

/**
 * What ties the log lines of one call together: its trace id (the span's, or the one its `traceparent`
 * brought) and its request id (`x-request-id` as it came from a load balancer or the calling process, or
 * made here). The scope is kept while the call is served, so that every line logged meanwhile carries
 * both (logMixin), and the calls it makes carry the request id on (outgoing-headers.ts).
 *
 * A scope is entered only while telemetry is on (an SDK registered, or the log at debug): on Node 20 an
 * active AsyncLocalStorage slows every promise of the call down.
 */
export interface CallScope
{
    readonly traceId: string | undefined;
    /** The server span's id, when an SDK made one. */
    readonly spanId: string | undefined;
    readonly requestId: string;
    /** Whether the request id was made here, so that calls made from this one must be told it. */
    readonly madeRequestId: boolean;
}

export const REQUEST_ID_HEADER = 'x-request-id';

const storage = new AsyncLocalStorage<CallScope>();

/** Request ids from outside are taken when they are short printable text: they end up in log lines. */
const SANE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

export function scopeOf(read: HeaderReader, spanContext: { traceId: string; spanId: string } | undefined): CallScope
{
    const given = read(REQUEST_ID_HEADER);
    const taken = given !== undefined && SANE_REQUEST_ID.test(given);
    return {
        traceId: spanContext?.traceId ?? traceIdOf(read('traceparent')),
        spanId: spanContext?.spanId,
        requestId: taken ? given : randomUUID(),
        madeRequestId: !taken
    };
}

export function runInScope<T>(scope: CallScope, run: () => T): T
{
    return storage.run(scope, run);
}

/** The scope of the call being served now, if telemetry keeps one. */
export function currentScope(): CallScope | undefined
{
    return storage.getStore();
}

/**
 * pino's mixin: the ids of the call being served, on every line logged while it is; else those of the
 * active span (a line the app logs inside a span of its own).
 */
export function logMixin(): Record<string, string>
{
    const scope = storage.getStore();
    if (scope !== undefined) return idFields(scope.traceId, scope.spanId, scope.requestId);
    const spanContext = trace.getActiveSpan()?.spanContext();
    // A new object each time: pino adds the line's own fields to it.
    return spanContext === undefined ? {} : { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * The ids of a call for a line logged about it where no scope is kept (telemetry off): what its headers
 * brought. Empty inside a scope, whose ids the mixin adds already.
 */
export function callLogFields(read: HeaderReader): Record<string, string>
{
    if (storage.getStore() !== undefined) return {};
    const given = read(REQUEST_ID_HEADER);
    return idFields(traceIdOf(read('traceparent')), undefined, given !== undefined && SANE_REQUEST_ID.test(given) ? given : undefined);
}

function idFields(traceId: string | undefined, spanId: string | undefined, requestId: string | undefined): Record<string, string>
{
    const fields: Record<string, string> = {};
    if (traceId !== undefined) fields.trace_id = traceId;
    if (spanId !== undefined) fields.span_id = spanId;
    if (requestId !== undefined) fields.request_id = requestId;
    return fields;
}

/**
 * The headers a call made now must carry besides the trace's: the request id, when it was made here (one
 * that came with the request travels on with the headers passed on). Written into `headers`.
 */
export function callHeaders(headers: Record<string, string>): Record<string, string>
{
    const scope = storage.getStore();
    if (scope?.madeRequestId === true) headers[REQUEST_ID_HEADER] = scope.requestId;
    return headers;
}
