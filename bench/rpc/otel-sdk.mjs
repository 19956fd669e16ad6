// Loaded with `node --import` into the traced jitar server of the RPC benchmark: the official
// OpenTelemetry Node SDK, every trace sampled (AlwaysOnSampler), spans batched (BatchSpanProcessor, as in
// production) to an exporter that drops them, so that the cost measured is the SDK's and jitar's, not a
// collector's or the network's.
import { AlwaysOnSampler, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

let exported = 0;
const dropping = {
  export(spans, done) {
    exported += spans.length;
    done({ code: 0 });
  },
  shutdown: async () => undefined,
};

const provider = new NodeTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new BatchSpanProcessor(dropping)] });
provider.register();

// The benchmark reads this to check that spans were made at all.
process.on('SIGTERM', () => process.stderr.write(`spans exported: ${exported}\n`));
