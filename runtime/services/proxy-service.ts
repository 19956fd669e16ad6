import { ChannelClient } from '../channel/channel-client.js';
import { ProxiedHealth, proxiedServices } from '../health/proxied-health.js';
import type { Forward } from '../http/forwarding.js';
import { observeForward } from '../telemetry/forward-observer.js';
import { noLabels } from '../telemetry/gateway-labels.js';
import { tracedTransport } from '../telemetry/traced-transport.js';
import { HttpClient } from '../transport/http-client.js';
import { peerFaultLog, type ServiceContext, type ServiceRole } from './service-context.js';

/** A proxy: one entry point that passes RPC on to a gateway or worker, and the rest to a repository. */
export function startProxy({ config, ca, log, health }: ServiceContext<'proxy'>): ServiceRole
{
    // RPC over a channel to the gateway or worker; files over HTTP, since they may be large.
    const rpcClient = tracedTransport(new ChannelClient(config.requestTimeout, ca, peerFaultLog(log)));
    const fileClient = new HttpClient(config.requestTimeout, ca);
    return {
        parts: {
            proxy: { rpcClient, fileClient, targets: { rpc: config.rpcTarget.url, repository: config.repository } },
            // The proxy's own span (with an SDK) is the parent of its request on, so that the trace stays one.
            observeForward: (forward: Forward) => observeForward(forward, { metrics: undefined, labels: noLabels, log })
        },
        health: new ProxiedHealth(health, proxiedServices(config.rpcTarget, config.repository), fileClient),
        afterClose: async () => { await Promise.all([rpcClient.close(), fileClient.close()]); }
    };
}
