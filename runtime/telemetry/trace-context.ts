import {
    context, createTraceState, isSpanContextValid, propagation, ProxyTracerProvider, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace,
    type Attributes, type Context, type Span, type SpanContext, type TextMapGetter, type Tracer
} from '@opentelemetry/api';

/**
 * W3C trace context and spans through `@opentelemetry/api` alone (jitar/client, which imports no package,
 * has its own few lines: client/page-trace.ts). The API is a no-op until the app registers an SDK: then `activeTracer()` gives its tracer
 * and spans are made; without one, nothing is made and the headers a request brought travel on unchanged
 * (call-scope.ts, and the headers that gateways and workers pass on anyway).
 */

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

export { SpanKind };

/** Reads a request header by lower-cased name, whatever shape the headers have. */
export type HeaderReader = (name: string) => string | undefined;

/** `version-traceid-parentid-flags`; later versions may add fields after a dash, version 00 none. */
const TRACEPARENT_FORM = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The span context a `traceparent` header names, or undefined when it is not a valid one (W3C Trace Context). */
export function parseTraceparent(value: string | undefined, state?: string): SpanContext | undefined
{
    if (value === undefined) return undefined;
    const match = TRACEPARENT_FORM.exec(value.trim());
    if (match === null) return undefined;
    const [, version, traceId, spanId, flags, rest] = match;
    if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
    const spanContext: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & 1, isRemote: true };
    if (!isSpanContextValid(spanContext)) return undefined;
    if (state !== undefined && state !== '') spanContext.traceState = createTraceState(state);
    return spanContext;
}

export function formatTraceparent(spanContext: SpanContext): string
{
    return `00-${spanContext.traceId}-${spanContext.spanId}-0${spanContext.traceFlags & 1}`;
}

/** The trace id a `traceparent` header carries, or undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined
{
    return parseTraceparent(traceparent)?.traceId;
}

let seenDelegate: unknown;
let tracer: Tracer | undefined;

/**
 * The tracer of the SDK the app registered, or undefined while none is: the caller then makes no span
 * and builds no attributes, which is what keeps tracing free when it is off. Looked up per call (a field
 * read) because the app may register its SDK after jitar started (in a setUp module, say).
 */
export function activeTracer(): Tracer | undefined
{
    const provider = trace.getTracerProvider();
    const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
    if (delegate !== seenDelegate)
    {
        seenDelegate = delegate;
        // The proxy answers undefined until an SDK is set as its delegate.
        tracer = provider instanceof ProxyTracerProvider ? provider.getDelegateTracer('jitar') : provider.getTracer('jitar');
    }
    return tracer;
}

/** Whether a propagator is registered (an SDK's); the API's own is a no-op that reads and writes nothing. */
function hasPropagator(): boolean
{
    return propagation.fields().length > 0;
}

const readerGetter: TextMapGetter<HeaderReader> = {
    get: (read, key) => read(key.toLowerCase()),
    // Only the propagators' own fields are asked for by name; a propagator that lists keys gets those.
    keys: () => [TRACEPARENT, TRACESTATE]
};

/**
 * The context a request's headers carry (`traceparent`, `tracestate`): through the registered propagator
 * when there is one, else read here by W3C Trace Context. ROOT_CONTEXT when they carry none.
 */
export function extractTraceContext(read: HeaderReader): Context
{
    if (hasPropagator()) return propagation.extract(ROOT_CONTEXT, read, readerGetter);
    const spanContext = parseTraceparent(read(TRACEPARENT), read(TRACESTATE));
    return spanContext === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

/**
 * Writes `traceparent` (and `tracestate`) for a call made in `from` (default: the active context) into
 * `headers`, replacing what is there: through the registered propagator when there is one, else by W3C
 * Trace Context from the context's span. Writes nothing when the context has no span (no SDK, no trace).
 */
export function injectTraceHeaders(headers: Record<string, string>, from: Context = context.active()): Record<string, string>
{
    if (hasPropagator())
    {
        propagation.inject(from, headers);
        return headers;
    }
    const spanContext = trace.getSpanContext(from);
    if (spanContext === undefined || !isSpanContextValid(spanContext)) return headers;
    headers[TRACEPARENT] = formatTraceparent(spanContext);
    const state = spanContext.traceState?.serialize();
    if (state !== undefined && state !== '') headers[TRACESTATE] = state;
    else delete headers[TRACESTATE];
    return headers;
}

/** The attributes every span of an RPC call has (OpenTelemetry's semantic conventions for RPC). */
export function rpcAttributes(fqn: string, version: string | undefined): Attributes
{
    const attributes: Attributes = { 'rpc.system': 'jitar', 'rpc.method': fqn };
    if (version !== undefined && version !== '') attributes['jitar.procedure.version'] = version;
    return attributes;
}

/** A server span for a call that came in with `parent`'s context, and the context it runs in. */
export function startServerSpan(active: Tracer, name: string, parent: Context, attributes: Attributes): { span: Span; context: Context }
{
    const span = active.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    return { span, context: trace.setSpan(parent, span) };
}

/** A client span for a call to another process, child of the active context, and the context to inject. */
export function startClientSpan(active: Tracer, name: string, attributes: Attributes): { span: Span; context: Context }
{
    const parent = context.active();
    const span = active.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    return { span, context: trace.setSpan(parent, span) };
}

/**
 * Ends a span with the HTTP status the call was answered with, and for a failure (status 400 and up, or
 * no answer) the error's class as `error.type` (the status when the class is not known) and an error status.
 */
export function endSpan(span: Span, kind: SpanKind, status: number | undefined, error?: unknown): void
{
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (error !== undefined || (status !== undefined && status >= 400))
    {
        span.setAttribute('error.type', error instanceof Error ? error.constructor.name : String(status ?? 'unknown'));
        // By the HTTP conventions a server span's 4xx is the caller's fault, not a failure of the server.
        if (status === undefined || status >= 500 || kind !== SpanKind.SERVER)
        {
            span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
        }
    }
    span.end();
}
