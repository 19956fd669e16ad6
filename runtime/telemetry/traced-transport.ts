import { context, type Attributes } from '@opentelemetry/api';

import type { HttpAnswer, HttpRequest, Transport } from '../transport/transport.js';
import { statusOf as statusOfError } from '../errors.js';
import { fqnOf } from '../http/rpc-request.js';
import { currentScope, REQUEST_ID_HEADER } from './call-scope.js';
import type { ServiceMetrics } from './metrics.js';
import { activeTracer, endSpan, injectTraceHeaders, rpcAttributes, SpanKind, startClientSpan } from './trace-context.js';

/**
 * A transport whose requests to other processes carry the call's trace on: with an SDK, each request is a
 * client span whose context goes out as `traceparent`; a request id made for the call being served goes
 * out as `x-request-id`. Without an SDK the `traceparent` the call came with travels on as it was (the
 * headers a gateway or worker passes on). With `metrics` (a gateway's) each request is counted per worker.
 */
export function tracedTransport(transport: Transport, metrics?: ServiceMetrics): Transport
{
    return {
        send: (origin, request) => send(transport, origin, request, metrics),
        close: () => transport.close()
    };
}

function send(transport: Transport, origin: string, request: HttpRequest, metrics: ServiceMetrics | undefined): Promise<HttpAnswer>
{
    if (metrics === undefined && activeTracer() === undefined && currentScope() === undefined) return transport.send(origin, request);
    const target = fqnOf(request.path);
    const fqn = 'fqn' in target ? target.fqn : '';
    return sendTraced(
        fqn, () => serverAttributes(origin),
        extra => transport.send(origin, Object.keys(extra).length === 0 ? request : { ...request, headers: withHeaders(request.headers, extra) }),
        answer => answer.status,
        metrics === undefined ? undefined : (status, seconds) => metrics.workerCall(origin, fqn, status, seconds));
}

/**
 * Sends one call of `fqn` to another process, whatever the transport: `send` gets the headers to add to
 * the request (`traceparent`/`tracestate` of a client span made for it when an SDK is registered, and the
 * call's request id when it was made here) and gives the answer, whose status `statusOf` reads.
 * `attributes` names the process called (`server.address`, say); `done` is told the status (a failure's
 * by statusOf) and the seconds the call took.
 */
export function sendTraced<T>(
    fqn: string,
    attributes: () => Attributes,
    send: (headers: Record<string, string>) => Promise<T>,
    statusOf: (answer: T) => number,
    done?: (status: number, seconds: number) => void): Promise<T>
{
    const tracer = activeTracer();
    const scope = currentScope();
    const started = performance.now();
    const traced = tracer === undefined ? undefined : startClientSpan(tracer, fqn, { ...rpcAttributes(fqn, undefined), ...attributes() });
    const extra: Record<string, string> = {};
    if (traced !== undefined) injectTraceHeaders(extra, traced.context);
    if (scope?.madeRequestId === true) extra[REQUEST_ID_HEADER] = scope.requestId;

    const sending = traced === undefined ? send(extra) : context.with(traced.context, () => send(extra));
    return sending.then(
        answer =>
        {
            const status = statusOf(answer);
            if (traced !== undefined) endSpan(traced.span, SpanKind.CLIENT, status);
            done?.(status, (performance.now() - started) / 1000);
            return answer;
        },
        (error: unknown) =>
        {
            if (traced !== undefined) endSpan(traced.span, SpanKind.CLIENT, undefined, error);
            done?.(statusOfError(error), (performance.now() - started) / 1000);
            throw error;
        });
}

/** `server.address` and `server.port` of the process called. */
function serverAttributes(origin: string): Attributes
{
    try
    {
        const url = new URL(origin);
        return { 'server.address': url.hostname, 'server.port': Number(url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : url.port) };
    }
    catch
    {
        return {};
    }
}

/** The request's headers with `extra` set, replacing those of the same names, in the shape they came in. */
export function withHeaders(headers: HttpRequest['headers'], extra: Readonly<Record<string, string>>): HttpRequest['headers']
{
    if (!Array.isArray(headers)) return { ...headers, ...extra };
    const result: string[] = [];
    for (let index = 0; index < headers.length; index += 2)
    {
        if (!Object.hasOwn(extra, headers[index].toLowerCase())) result.push(headers[index], headers[index + 1]);
    }
    for (const name in extra) result.push(name, extra[name]);
    return result;
}
