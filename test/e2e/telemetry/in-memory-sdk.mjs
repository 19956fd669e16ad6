/**
 * Loaded with `node --import` into each jitar process of the telemetry tests, as an app would load its
 * tracing setup: the official OpenTelemetry Node SDK with its in-memory exporter, sampling every trace.
 * Every span it exports is also written as a JSON line to $SPANS_FILE, so that the test can read the
 * spans of every process while they run.
 */
import { appendFileSync } from 'node:fs';

import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const file = process.env.SPANS_FILE;
const service = process.env.SERVICE_NAME ?? 'unnamed';

class MirroredExporter extends InMemorySpanExporter
{
    export(spans, done)
    {
        super.export(spans, done);
        if (file === undefined) return;
        const lines = spans.map(span => JSON.stringify({
            service,
            name: span.name,
            kind: span.kind,
            traceId: span.spanContext().traceId,
            spanId: span.spanContext().spanId,
            parentSpanId: span.parentSpanContext?.spanId,
            attributes: span.attributes,
            status: span.status
        }));
        appendFileSync(file, lines.map(line => `${line}\n`).join(''));
    }
}

export const exporter = new MirroredExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
