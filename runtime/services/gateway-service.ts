import { exposedFqns, readManifestIfBuilt } from '../app-build/manifest-file.js';
import { ChannelClient } from '../channel/channel-client.js';
import { ChannelServer } from '../channel/channel-server.js';
import { Gateway } from '../cluster/gateway.js';
import { WorkerRegistry } from '../cluster/worker-registry.js';
import { forwardingChannelHandler } from '../http/forwarding.js';
import { middlewareFailed, withMiddleware } from '../http/forwarding-middleware.js';
import type { Forward } from '../http/forwarding.js';
import { observeForward } from '../telemetry/forward-observer.js';
import { gatewayLabels } from '../telemetry/gateway-labels.js';
import { tracedTransport } from '../telemetry/traced-transport.js';
import { servedOpenApi } from './served-files.js';
import { peerFaultLog, type ServiceContext, type ServiceRole } from './service-context.js';

/**
 * A gateway: takes workers' registrations and reports, and forwards each RPC request to a worker that
 * serves the procedure, over channels; proxies and workers that call through it send over channels too.
 */
export function startGateway(context: ServiceContext<'gateway'>): ServiceRole | Promise<ServiceRole>
{
    const { config, log, target, middleware, bodyLimit, metrics } = context;
    // The NATS client is loaded only by a service that speaks NATS.
    if (config.nats !== undefined) { const nats = config.nats; return import('./nats-service.js').then(module => module.startNatsGateway(context, nats)); }
    const client = new ChannelClient(config.requestTimeout, context.ca, peerFaultLog(log));
    const registry = new WorkerRegistry({ unavailableThreshold: config.unavailableThreshold, stoppedThreshold: config.stoppedThreshold });
    // After a restart, workers come back one report at a time: names they will serve are a 503 (try
    // again) until then, not a 404. The build says which names; without one, any name is, for as long
    // as a worker may take to be counted stopped.
    const build = readManifestIfBuilt(target);
    if (build === undefined) log.info(`No app build here: procedures no worker serves answer 503 for ${config.stoppedThreshold} ms after the start, 404 after`);
    const expected = build === undefined ? undefined : exposedFqns(build);
    // Requests to workers are client spans (with an SDK) and counted per worker (with metrics).
    const gateway = new Gateway(registry, tracedTransport(client, metrics), config.trustKey, { expected, gracePeriod: config.stoppedThreshold });
    // Every request forwarded, over HTTP or a channel, middleware included: a server span, metrics, ids in logs.
    const observe = (forward: Forward): Forward => observeForward(forward, { metrics, labels: gatewayLabels(registry, expected), log });
    const forward = observe(withMiddleware(middleware, (fqn, request) => gateway.forward(fqn, request), middlewareFailed(log)));
    const channels = new ChannelServer({ handle: forwardingChannelHandler(forward), bodyLimit, log, limits: config.connections });
    const monitor = setInterval(() => registry.monitor(), config.monitorInterval);
    monitor.unref();
    return {
        parts: { gateway, channels, openapi: servedOpenApi(context), observeForward: observe },
        afterClose: async () =>
        {
            clearInterval(monitor);
            await client.close();
        }
    };
}
