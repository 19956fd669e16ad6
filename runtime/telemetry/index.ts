/**
 * Telemetry of jitar's processes: W3C trace context, OpenTelemetry spans, Prometheus metrics and request
 * ids in logs. What a transport needs to carry a call's trace:
 *
 * - `tracedTransport(transport)` wraps a Transport: every request is a client span (with an SDK) and
 *   carries `traceparent`/`tracestate` and the call's request id.
 * - `sendTraced(fqn, attributes, send, statusOf)` does the same for one call over any other transport
 *   (NATS, say): `send` gets the headers to add.
 * - `injectTraceHeaders(headers)` and `callHeaders(headers)` write them into a header object for a transport
 *   that is no Transport; `extractTraceContext(read)` reads them from a request (the RPC handler does that
 *   itself for every call it answers, whatever transport brought it).
 */
export { extractTraceContext, injectTraceHeaders, type HeaderReader } from './trace-context.js';
export { callHeaders, currentScope, logMixin } from './call-scope.js';
export { sendTraced, tracedTransport } from './traced-transport.js';
