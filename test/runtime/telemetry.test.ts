import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { context, trace } from '@opentelemetry/api';

import type { HttpAnswer, HttpRequest, Transport } from '../../runtime/transport/transport.js';
import { loadServiceConfig } from '../../runtime/services/service-config.js';
import { callLogFields, currentScope, logMixin, runInScope, scopeOf } from '../../runtime/telemetry/call-scope.js';
import { metricsRefusal } from '../../runtime/telemetry/metrics-access.js';
import { ServiceMetrics } from '../../runtime/telemetry/metrics.js';
import { activeTracer, extractTraceContext, formatTraceparent, injectTraceHeaders, parseTraceparent } from '../../runtime/telemetry/trace-context.js';
import { tracedTransport, withHeaders } from '../../runtime/telemetry/traced-transport.js';
import { configFailure } from './config-failure.js';

/**
 * Telemetry with no OpenTelemetry SDK registered (this process has none): trace context is read and
 * carried by W3C Trace Context rules, nothing is made up, and request ids travel with the calls a call
 * makes. The SDK's side is tested end to end (test/e2e/telemetry.test.ts).
 */

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

describe('W3C traceparent', () =>
{
    test('reads a valid header, with its sampled flag and trace state', () =>
    {
        const parsed = parseTraceparent(PARENT, 'vendor=abc,other=1');
        expect(parsed).toMatchObject({ traceId: TRACE_ID, spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
        expect(parsed?.traceState?.get('vendor')).toBe('abc');
        expect(formatTraceparent(parsed!)).toBe(PARENT);
    });

    test.each([
        ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
        ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
        ['version ff', `ff-${TRACE_ID}-00f067aa0ba902b7-01`],
        ['version 00 with more fields', `${PARENT}-extra`],
        ['upper-case hex', PARENT.toUpperCase()],
        ['a short trace id', `00-${TRACE_ID.slice(1)}-00f067aa0ba902b7-01`],
        ['garbage', 'not a traceparent']
    ])('refuses %s', (_what, header) =>
    {
        expect(parseTraceparent(header)).toBeUndefined();
    });

    test('takes a later version with more fields, as the spec asks', () =>
    {
        expect(parseTraceparent(`01-${TRACE_ID}-00f067aa0ba902b7-03-more`)).toMatchObject({ traceId: TRACE_ID, traceFlags: 1 });
    });
});

describe('without an SDK', () =>
{
    test('there is no tracer: no span is made', () =>
    {
        expect(activeTracer()).toBeUndefined();
    });

    test('an incoming traceparent becomes the context, and goes out again as it came', () =>
    {
        const headers: Record<string, string> = { traceparent: PARENT, tracestate: 'vendor=abc' };
        const incoming = extractTraceContext(name => headers[name]);
        expect(trace.getSpanContext(incoming)?.traceId).toBe(TRACE_ID);
        expect(injectTraceHeaders({}, incoming)).toEqual({ traceparent: PARENT, tracestate: 'vendor=abc' });
    });

    test('a call that brought no trace sends none: nothing is made up', () =>
    {
        expect(injectTraceHeaders({ accept: 'x' })).toEqual({ accept: 'x' });
        expect(trace.getSpanContext(extractTraceContext(() => undefined))).toBeUndefined();
        expect(trace.getSpanContext(extractTraceContext(name => name === 'traceparent' ? 'bad' : undefined))).toBeUndefined();
    });
});

describe('request ids and the log', () =>
{
    test('a request id that came along is kept; a missing or unfit one is made', () =>
    {
        const given = scopeOf(name => ({ 'x-request-id': 'abc-123', traceparent: PARENT } as Record<string, string>)[name], undefined);
        expect(given).toMatchObject({ requestId: 'abc-123', traceId: TRACE_ID, madeRequestId: false });
        const made = scopeOf(() => undefined, undefined);
        expect(made.madeRequestId).toBe(true);
        expect(made.requestId).toMatch(/^[0-9a-f-]{36}$/);
        expect(made.traceId).toBeUndefined();
        const unfit = scopeOf(name => name === 'x-request-id' ? 'line\nbreak' : undefined, undefined);
        expect(unfit.madeRequestId).toBe(true);
    });

    test('lines logged inside a call carry its ids; outside, none', () =>
    {
        expect(logMixin()).toEqual({});
        const scope = scopeOf(name => ({ 'x-request-id': 'r-1', traceparent: PARENT } as Record<string, string>)[name], undefined);
        expect(runInScope(scope, () => logMixin())).toEqual({ trace_id: TRACE_ID, request_id: 'r-1' });
        expect(currentScope()).toBeUndefined();
    });

    test('a line about a call logged where no scope is kept takes the ids from its headers', () =>
    {
        expect(callLogFields(name => ({ 'x-request-id': 'r-2', traceparent: PARENT } as Record<string, string>)[name])).toEqual({ trace_id: TRACE_ID, request_id: 'r-2' });
        expect(callLogFields(() => undefined)).toEqual({});
    });

    test('a request id made for a call goes out with the calls it makes, over either header shape', async () =>
    {
        const sent: HttpRequest[] = [];
        const inner: Transport = {
            send: async (_origin, request): Promise<HttpAnswer> => { sent.push(request); return { status: 200, headers: {}, body: Buffer.from('') }; },
            close: async () => undefined
        };
        const transport = tracedTransport(inner);
        const made = scopeOf(() => undefined, undefined);
        await runInScope(made, () => transport.send('http://127.0.0.1:1', { method: 'POST', path: '/rpc/a/b', headers: { traceparent: PARENT } }));
        expect(sent[0].headers).toEqual({ traceparent: PARENT, 'x-request-id': made.requestId });

        // Outside a call, and without an SDK or metrics, the request goes as it is: the very object.
        const plain: HttpRequest = { method: 'POST', path: '/rpc/a/b', headers: ['Traceparent', PARENT] };
        await transport.send('http://127.0.0.1:1', plain);
        expect(sent[1]).toBe(plain);
    });

    test('headers set on a raw header list replace those of the same name, whatever their case', () =>
    {
        expect(withHeaders(['Traceparent', 'old', 'Accept', 'x'], { traceparent: 'new' })).toEqual(['Accept', 'x', 'traceparent', 'new']);
        expect(withHeaders({ accept: 'x' }, { 'x-request-id': 'r' })).toEqual({ accept: 'x', 'x-request-id': 'r' });
    });
});

describe('metrics', () =>
{
    test('are refused without the trust key, or from another machine when the service has none', () =>
    {
        const closed = { public: false };
        const from = (remoteAddress: string, trustKeyHeader?: string, authorization?: string) => ({ remoteAddress, trustKeyHeader, authorization });
        expect(metricsRefusal(closed, 'sesame', from('127.0.0.1'))?.status).toBe(401);
        expect(metricsRefusal(closed, 'sesame', from('10.0.0.1', 'sesame'))).toBeUndefined();
        expect(metricsRefusal(closed, 'sesame', from('10.0.0.1', undefined, 'Bearer sesame'))).toBeUndefined();
        expect(metricsRefusal(closed, 'sesame', from('10.0.0.1', undefined, 'Bearer nope'))?.status).toBe(401);
        expect(metricsRefusal(closed, undefined, from('127.0.0.1'))).toBeUndefined();
        expect(metricsRefusal(closed, undefined, from('::ffff:127.0.0.1'))).toBeUndefined();
        expect(metricsRefusal(closed, undefined, from('::1'))).toBeUndefined();
        const refusal = metricsRefusal(closed, undefined, from('192.168.1.9'));
        expect(refusal?.status).toBe(403);
        expect(refusal?.message).toContain('"public": true');
        expect(metricsRefusal({ public: true }, 'sesame', from('192.168.1.9'))).toBeUndefined();
    });

    test('count calls and errors per procedure and version, in Prometheus text', async () =>
    {
        const metrics = new ServiceMetrics();
        metrics.call('a/b', '1.0.0', 200, 0.01);
        metrics.call('a/b', '1.0.0', 500, 0.2);
        const { contentType, body } = await metrics.text();
        expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
        expect(body).toContain('jitar_rpc_calls_total{procedure="a/b",version="1.0.0"} 2');
        expect(body).toContain('jitar_rpc_errors_total{procedure="a/b",version="1.0.0",status="500"} 1');
        expect(body).toContain('jitar_rpc_duration_seconds_bucket{le="0.025",procedure="a/b",version="1.0.0"} 1');
        // Worker series exist only where calls are forwarded (a gateway).
        expect(body).not.toContain('jitar_worker_calls_total');
    });
});

describe('the service file\'s metrics', () =>
{
    let dir: string;

    beforeEach(() =>
    {
        dir = mkdtempSync(join(tmpdir(), 'jitar-telemetry-config-'));
        mkdirSync(join(dir, 'services'));
    });

    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const load = (content: unknown) =>
    {
        writeFileSync(join(dir, 'services/x.json'), JSON.stringify(content));
        return loadServiceConfig('services/x.json', { cwd: dir, env: {} });
    };
    const failure = (content: unknown): string => configFailure(() => load(content));

    test('are off without the key, on with it, closed unless public', () =>
    {
        expect(load({ url: 'http://127.0.0.1:3000', worker: { segments: ['a'] } }).metrics).toEqual({ enabled: false, public: false });
        expect(load({ url: 'http://127.0.0.1:3000', metrics: {}, worker: { segments: ['a'] } }).metrics).toEqual({ enabled: true, public: false });
        expect(load({ url: 'http://127.0.0.1:3000', metrics: { enabled: false }, gateway: {} }).metrics).toEqual({ enabled: false, public: false });
        expect(load({ url: 'http://127.0.0.1:3000', metrics: { public: true }, standalone: { segments: ['a'] } }).metrics).toEqual({ enabled: true, public: true });
    });

    test('refuse unknown keys, wrong types, and kinds that answer no calls', () =>
    {
        expect(failure({ url: 'http://127.0.0.1:3000', metrics: { enabled: true, path: '/m' }, worker: { segments: ['a'] } }))
            .toBe(`services/x.json: unknown key 'path' in 'metrics'; known keys are enabled, public`);
        expect(failure({ url: 'http://127.0.0.1:3000', metrics: { public: 'yes' }, worker: { segments: ['a'] } }))
            .toBe(`services/x.json: 'metrics.public' must be true or false, not "yes"`);
        expect(failure({ url: 'http://127.0.0.1:3000', metrics: true, worker: { segments: ['a'] } }))
            .toBe(`services/x.json: 'metrics' must be an object, not true`);
        expect(failure({ url: 'http://127.0.0.1:3000', metrics: {}, repository: {} }))
            .toContain(`'metrics' is not used by a repository service`);
    });
});

afterAll(() =>
{
    context.disable();
});
