import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

import type * as ClientModule from '../../runtime/client/index.js';
import type { Manifest } from '../../runtime/manifest.js';
import { parsePrometheus, sampleValue, type Sample } from './telemetry/prometheus-text.js';
import { freePort, prepareApp, startJitar, waitUntil, type JitarProcess } from './jitar-app.js';
import { startNatsServer, type NatsServer } from './nats-server.js';

/**
 * One user call seen across every process: a page client (this test, with the official OpenTelemetry
 * SDK registered as a page would register a web SDK, and a span active around the call) calls a gateway, which forwards to worker A
 * (front/order), which calls worker B (back/reserve). Each jitar process loads the official Node SDK with
 * its in-memory exporter (`node --import`, as an app loads its tracing setup) and writes its spans to a
 * file the test reads. Metrics are read from /metrics as Prometheus text; log lines are the processes'
 * JSON lines at debug level.
 */

jest.setTimeout(90_000);

const SDK_MODULE = fileURLToPath(new URL('./telemetry/in-memory-sdk.mjs', import.meta.url));
const LIB = fileURLToPath(new URL('../../lib/', import.meta.url));

interface SpanLine
{
    service: string;
    name: string;
    kind: number;
    traceId: string;
    spanId: string;
    parentSpanId: string | undefined;
    attributes: Record<string, unknown>;
    status: { code: number; message?: string };
}

const SERVER = 1;
const CLIENT = 2;

function spansIn(file: string): SpanLine[]
{
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').split('\n').filter(line => line !== '').map(line => JSON.parse(line) as SpanLine);
}

/** The JSON log lines a process wrote. */
function logLines(process: JitarProcess): Record<string, unknown>[]
{
    return process.output().split('\n').filter(line => line.startsWith('{')).map(line =>
    {
        try
        {
            return JSON.parse(line) as Record<string, unknown>;
        }
        catch
        {
            return {};
        }
    });
}

async function waitForWorkers(gateway: string, count: number): Promise<void>
{
    await waitUntil(async () =>
    {
        const workers = await (await fetch(`${gateway}/workers`)).json() as { state: string }[];
        return workers.filter(worker => worker.state === 'available').length === count;
    }, `${count} available workers at the gateway`);
}

describe('a call from a page through a gateway and two workers', () =>
{
    let app: { root: string; remove(): void };
    let spansFile: string;
    let gateway: JitarProcess;
    let workerA: JitarProcess;
    let workerB: JitarProcess;
    const started: JitarProcess[] = [];
    let client: InstanceType<typeof ClientModule.JitarClient>;
    const pageExporter = new InMemorySpanExporter();
    const pageProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(pageExporter)] });

    /** Runs `front/order` from the page inside a span of the page's own (a click, say); gives the trace id and the outcome. */
    async function orderFromPage(item: string): Promise<{ traceId: string; result?: unknown; error?: Error }>
    {
        const tracer = trace.getTracer('page');
        return tracer.startActiveSpan('click', async span =>
        {
            try
            {
                return { traceId: span.spanContext().traceId, result: await client.run('front/order', '0.0.0', [item, 2]) };
            }
            catch (error)
            {
                return { traceId: span.spanContext().traceId, error: error as Error };
            }
            finally
            {
                span.end();
            }
        });
    }

    /** Waits until the processes exported the server spans of a trace: gateway, A and B. */
    async function spansOf(traceId: string): Promise<SpanLine[]>
    {
        let spans: SpanLine[] = [];
        await waitUntil(() =>
        {
            spans = spansIn(spansFile).filter(span => span.traceId === traceId);
            const servers = spans.filter(span => span.kind === SERVER);
            return ['gateway', 'worker-a', 'worker-b'].every(service => servers.some(span => span.service === service))
                && spans.some(span => span.service === 'worker-a' && span.kind === CLIENT);
        }, `the server spans of trace ${traceId} from all three processes`);
        return spans;
    }

    beforeAll(async () =>
    {
        pageProvider.register();
        app = prepareApp('telemetry');
        spansFile = join(app.root, 'spans.jsonl');
        const sdk = (service: string): Record<string, string> => ({ NODE_OPTIONS: `--import=${pathToFileURL(SDK_MODULE).href}`, SPANS_FILE: spansFile, SERVICE_NAME: service });
        const gatewayPort = await freePort();
        const debug = ['--log-level=debug', '--log-format=json'];
        gateway = await startJitar(app.root, 'services/gateway.json', { PORT: String(gatewayPort), ...sdk('gateway') }, debug);
        started.push(gateway);
        const joining = { GATEWAY: gateway.url };
        workerA = await startJitar(app.root, 'services/worker-front.json', { ...joining, ...sdk('worker-a') }, debug);
        started.push(workerA);
        workerB = await startJitar(app.root, 'services/worker-back.json', { ...joining, ...sdk('worker-b') }, debug);
        started.push(workerB);
        await waitForWorkers(gateway.url, 2);

        const clientModule = await import(pathToFileURL(join(LIB, 'runtime/client/index.js')).href) as typeof ClientModule;
        const manifest = JSON.parse(readFileSync(join(app.root, 'dist/.jitar/manifest.json'), 'utf8')) as Manifest;
        client = new clientModule.JitarClient({ manifest, remoteUrl: gateway.url });
    });

    afterAll(async () =>
    {
        await Promise.all(started.map(process => process.stop()));
        await pageProvider.shutdown();
        context.disable();
        trace.disable();
        app?.remove();
    });

    it('makes one trace of it, each span the child of the span that made the call', async () =>
    {
        const { traceId, result } = await orderFromPage('apple');
        expect(result).toBe('order: 2 x apple reserved');
        const spans = await spansOf(traceId);
        const byId = new Map(spans.map(span => [span.spanId, span]));

        // jitar/client sends the page's active context (its click): the gateway's server span is its child.
        const click = pageExporter.getFinishedSpans().find(span => span.spanContext().traceId === traceId && span.name === 'click');
        const gatewayServer = spans.find(span => span.service === 'gateway' && span.kind === SERVER && span.name === 'front/order');
        expect(gatewayServer?.parentSpanId).toBe(click?.spanContext().spanId);
        const gatewayClient = spans.find(span => span.service === 'gateway' && span.kind === CLIENT && span.parentSpanId === gatewayServer?.spanId);
        expect(gatewayClient?.attributes['server.port']).toBe(Number(new URL(workerA.url).port));

        const aServer = spans.find(span => span.service === 'worker-a' && span.kind === SERVER);
        expect(aServer?.parentSpanId).toBe(gatewayClient?.spanId);
        expect(aServer?.attributes).toMatchObject({
            'rpc.system': 'jitar', 'rpc.method': 'front/order', 'rpc.service': 'front', 'jitar.procedure.version': '0.0.0', 'http.response.status_code': 200
        });
        expect(aServer?.status.code).toBe(SpanStatusCode.UNSET);
        const aClient = spans.find(span => span.service === 'worker-a' && span.kind === CLIENT);
        expect(aClient?.parentSpanId).toBe(aServer?.spanId);
        expect(aClient?.attributes).toMatchObject({ 'rpc.system': 'jitar', 'rpc.method': 'back/reserve' });

        // B's server span descends from A's client span: directly, or through the gateway when A sent the call there.
        const bServer = spans.find(span => span.service === 'worker-b' && span.kind === SERVER);
        expect(bServer?.attributes).toMatchObject({ 'rpc.method': 'back/reserve', 'rpc.service': 'back', 'http.response.status_code': 200 });
        const ancestors: string[] = [];
        for (let current = bServer; current?.parentSpanId !== undefined; current = byId.get(current.parentSpanId)) ancestors.push(current.parentSpanId);
        expect(ancestors).toContain(aClient?.spanId);
    });

    it('marks the spans of a failing call with its status and error class', async () =>
    {
        const { traceId, error } = await orderFromPage('out');
        // The page holds no OutOfStock class: the failure arrives, as what the page can make of it.
        expect(error).toBeDefined();
        const spans = await spansOf(traceId);

        const bServer = spans.find(span => span.service === 'worker-b' && span.kind === SERVER);
        expect(bServer?.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': 'OutOfStock' });
        expect(bServer?.status.code).toBe(SpanStatusCode.ERROR);
        const aServer = spans.find(span => span.service === 'worker-a' && span.kind === SERVER);
        expect(aServer?.attributes['http.response.status_code']).toBe(500);
        expect(aServer?.status.code).toBe(SpanStatusCode.ERROR);
        expect(typeof aServer?.attributes['error.type']).toBe('string');
        const gatewayServer = spans.find(span => span.service === 'gateway' && span.kind === SERVER && span.name === 'front/order');
        expect(gatewayServer?.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500' });
        expect(gatewayServer?.status.code).toBe(SpanStatusCode.ERROR);
    });

    it('counts calls, errors by status and durations per procedure and version at /metrics, and per worker at the gateway', async () =>
    {
        // A 400: an argument of the wrong type, refused by worker A's validation.
        const refused = await fetch(`${gateway.url}/rpc/front/order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'pear', quantity: 'two' }) });
        expect(refused.status).toBe(400);

        // The three calls of this block so far (one answered, one 500, one 400), as each process counted them.
        const expectCounts = (samples: Sample[], labels: Record<string, string>): void =>
        {
            expect(sampleValue(samples, 'jitar_rpc_calls_total', labels)).toBe(3);
            expect(sampleValue(samples, 'jitar_rpc_errors_total', { ...labels, status: '500' })).toBe(1);
            expect(sampleValue(samples, 'jitar_rpc_errors_total', { ...labels, status: '400' })).toBe(1);
            expect(sampleValue(samples, 'jitar_rpc_duration_seconds_count', labels)).toBe(3);
            expect(sampleValue(samples, 'jitar_rpc_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(3);
            expect(sampleValue(samples, 'jitar_rpc_duration_seconds_sum', labels)).toBeGreaterThan(0);
            // Buckets are cumulative: each holds at least as many calls as the one below it.
            const buckets = samples.filter(sample => sample.name === 'jitar_rpc_duration_seconds_bucket' && sample.labels.procedure === labels.procedure)
                .map(sample => ({ le: sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le), value: sample.value }))
                .sort((a, b) => a.le - b.le);
            expect(buckets.length).toBeGreaterThan(5);
            for (let index = 1; index < buckets.length; index++) expect(buckets[index].value).toBeGreaterThanOrEqual(buckets[index - 1].value);
        };

        const read = async (url: string): Promise<Sample[]> =>
        {
            const response = await fetch(`${url}/metrics`);
            expect(response.status).toBe(200);
            expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
            return parsePrometheus(await response.text());
        };

        const atGateway = await read(gateway.url);
        expectCounts(atGateway, { procedure: 'front/order', version: '0.0.0' });
        expect(sampleValue(atGateway, 'jitar_worker_calls_total', { worker: workerA.url, procedure: 'front/order' })).toBe(3);
        expect(sampleValue(atGateway, 'jitar_worker_errors_total', { worker: workerA.url, procedure: 'front/order', status: '500' })).toBe(1);
        expect(sampleValue(atGateway, 'jitar_worker_call_duration_seconds_count', { worker: workerA.url, procedure: 'front/order' })).toBe(3);

        expectCounts(await read(workerA.url), { procedure: 'front/order', version: '0.0.0' });

        const atB = await read(workerB.url);
        expect(sampleValue(atB, 'jitar_rpc_calls_total', { procedure: 'back/reserve', version: '0.0.0' })).toBe(2);
        expect(sampleValue(atB, 'jitar_rpc_errors_total', { procedure: 'back/reserve', version: '0.0.0', status: '500' })).toBe(1);
        // The process's own metrics come along (prom-client's defaults).
        expect(atB.some(sample => sample.name === 'process_cpu_user_seconds_total')).toBe(true);
    });

    it('gives the log lines of one call its trace id and request id in every process', async () =>
    {
        const { traceId } = await orderFromPage('plum');
        await spansOf(traceId);
        const lines = (process: JitarProcess): Record<string, unknown>[] => logLines(process).filter(line => line.trace_id === traceId);
        await waitUntil(() => [gateway, workerA, workerB].every(process => lines(process).length > 0), `log lines of trace ${traceId} in every process`);

        const forwarded = lines(gateway).find(line => line.msg === 'rpc call forwarded');
        expect(forwarded).toMatchObject({ fqn: 'front/order', status: 200 });
        const requestId = forwarded?.request_id;
        expect(typeof requestId).toBe('string');
        for (const process of [workerA, workerB])
        {
            const answered = lines(process).find(line => line.msg === 'rpc call answered');
            expect(answered?.request_id).toBe(requestId);
        }
        // A request id finds the same lines as the trace id: no line of the call lacks either.
        for (const process of [gateway, workerA, workerB])
        {
            const byRequest = logLines(process).filter(line => line.request_id === requestId);
            expect(byRequest.length).toBeGreaterThan(0);
            for (const line of byRequest) expect(line.trace_id).toBe(traceId);
        }

        // The failure's own error line in worker B carries the failing call's ids.
        const failed = logLines(workerB).find(line => line.msg === 'procedure failed');
        expect(typeof failed?.trace_id).toBe('string');
        expect(typeof failed?.request_id).toBe('string');
    });
});

describe('metrics behind the trust key, and tracing without an SDK', () =>
{
    let app: { root: string; remove(): void };
    let standalone: JitarProcess;

    beforeAll(async () =>
    {
        app = prepareApp('telemetry');
        standalone = await startJitar(app.root, 'services/standalone.json', { TRUST_KEY: 'sesame' }, ['--log-level=debug', '--log-format=json']);
    });

    afterAll(async () =>
    {
        await standalone?.stop();
        app?.remove();
    });

    it('refuses /metrics without the trust key, and serves it with the key as header or bearer token', async () =>
    {
        const without = await fetch(`${standalone.url}/metrics`);
        expect(without.status).toBe(401);
        expect(await without.text()).toContain('trust key');
        expect((await fetch(`${standalone.url}/metrics`, { headers: { 'x-jitar-trust-key': 'wrong' } })).status).toBe(401);
        expect((await fetch(`${standalone.url}/metrics`, { headers: { 'x-jitar-trust-key': 'sesame' } })).status).toBe(200);
        const bearer = await fetch(`${standalone.url}/metrics`, { headers: { authorization: 'Bearer sesame' } });
        expect(bearer.status).toBe(200);
        expect(parsePrometheus(await bearer.text()).some(sample => sample.name === 'process_cpu_user_seconds_total')).toBe(true);
    });

    it('logs a call under the trace id and request id it came with, with no SDK in the process', async () =>
    {
        const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
        const response = await fetch(`${standalone.url}/rpc/front/order`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'req-from-the-balancer' },
            body: JSON.stringify({ item: 'fig', quantity: 1 })
        });
        expect(await response.text()).toBe('order: 1 x fig reserved');
        await waitUntil(() => logLines(standalone).some(line => line.msg === 'rpc call answered' && line.trace_id === traceId), 'the call\'s log line');
        const answered = logLines(standalone).find(line => line.msg === 'rpc call answered' && line.trace_id === traceId);
        expect(answered).toMatchObject({ fqn: 'front/order', status: 200, request_id: 'req-from-the-balancer' });
        // Fastify's own lines about the request carry the same ids.
        const fastifyLines = logLines(standalone).filter(line => line.request_id === 'req-from-the-balancer' && line.msg !== 'rpc call answered');
        expect(fastifyLines.length).toBeGreaterThan(0);
        for (const line of fastifyLines) expect(line.trace_id).toBe(traceId);
    });
});

describe('a call over NATS: gateway, worker A, and worker A calling worker B directly', () =>
{
    let nats: NatsServer;
    let app: { root: string; remove(): void };
    let spansFile: string;
    let gateway: JitarProcess;
    const started: JitarProcess[] = [];

    beforeAll(async () =>
    {
        nats = await startNatsServer();
        app = prepareApp('telemetry');
        spansFile = join(app.root, 'nats-spans.jsonl');
        const env = (service: string): Record<string, string> => ({ NATS_URL: nats.url, NODE_OPTIONS: `--import=${pathToFileURL(SDK_MODULE).href}`, SPANS_FILE: spansFile, SERVICE_NAME: service });
        gateway = await startJitar(app.root, 'services/nats-gateway.json', env('gateway'));
        started.push(gateway);
        started.push(await startJitar(app.root, 'services/nats-worker-front.json', env('worker-a')));
        started.push(await startJitar(app.root, 'services/nats-worker-back.json', env('worker-b')));
        await waitUntil(async () => (await fetch(`${gateway.url}/rpc/front/order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'pear', quantity: 1 }) })).status === 200, 'both workers serving through the NATS gateway');
    });

    afterAll(async () =>
    {
        await Promise.all(started.map(process => process.stop()));
        await nats?.stop();
        app?.remove();
    });

    it('makes worker A\'s request to worker B a client span, the parent of B\'s server span', async () =>
    {
        const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
        const answer = await fetch(`${gateway.url}/rpc/front/order`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
            body: JSON.stringify({ item: 'apple', quantity: 2 })
        });
        expect([answer.status, await answer.text()]).toEqual([200, 'order: 2 x apple reserved']);

        let spans: SpanLine[] = [];
        await waitUntil(() =>
        {
            spans = spansIn(spansFile).filter(span => span.traceId === traceId);
            return spans.some(span => span.service === 'worker-b' && span.kind === SERVER);
        }, `worker B's server span of trace ${traceId}`);
        const aServer = spans.find(span => span.service === 'worker-a' && span.kind === SERVER);
        const aClient = spans.find(span => span.service === 'worker-a' && span.kind === CLIENT);
        const bServer = spans.find(span => span.service === 'worker-b' && span.kind === SERVER);
        expect(aClient?.parentSpanId).toBe(aServer?.spanId);
        expect(aClient?.attributes).toMatchObject({ 'rpc.system': 'jitar', 'rpc.method': 'back/reserve', 'messaging.system': 'nats', 'messaging.destination.name': 'jitar.rpc.back/reserve.0.0.0' });
        expect(aClient?.status.code).toBe(SpanStatusCode.UNSET);
        // No gateway between them: B's server span is the child of A's client span itself.
        expect(bServer?.parentSpanId).toBe(aClient?.spanId);
        expect(bServer?.attributes).toMatchObject({ 'rpc.method': 'back/reserve', 'http.response.status_code': 200 });
    });

    it('counts at the gateway per procedure and version, by what the workers announced, and made-up names without labels', async () =>
    {
        const call = async (fqn: string, version?: string): Promise<number> => (await fetch(`${gateway.url}/rpc/${fqn}`, {
            method: 'POST', headers: { 'content-type': 'application/json', ...version === undefined ? {} : { 'x-jitar-procedure-version': version } }, body: JSON.stringify({ item: 'fig', quantity: 1 })
        })).status;
        const before = parsePrometheus(await (await fetch(`${gateway.url}/metrics`)).text());
        const count = (samples: Sample[], labels: Record<string, string>): number => sampleValue(samples, 'jitar_rpc_calls_total', labels) ?? 0;

        expect(await call('front/order')).toBe(200);
        // Version 2.5.0 is served by the greatest version at or below it: 0.0.0, the one the worker runs.
        expect(await call('front/order', '2.5.0')).toBe(200);
        expect(await call('front/nothing')).toBe(404);

        const after = parsePrometheus(await (await fetch(`${gateway.url}/metrics`)).text());
        expect(count(after, { procedure: 'front/order', version: '0.0.0' }) - count(before, { procedure: 'front/order', version: '0.0.0' })).toBe(2);
        expect(count(after, { procedure: '', version: '' }) - count(before, { procedure: '', version: '' })).toBe(1);
    });
});
