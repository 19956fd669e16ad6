import { ChannelClient } from '../channel/channel-client.js';
import { runWithHeaders } from '../cluster/call-context.js';
import { ClusterCaller } from '../cluster/cluster-caller.js';
import { GatewayLink } from '../cluster/gateway-link.js';
import { KnownWorkers } from '../cluster/known-workers.js';
import type { RpcHandler } from '../rpc/rpc-handler.js';
import type { ValueCodec } from '../serialization/codec.js';
import { tracedTransport } from '../telemetry/traced-transport.js';
import { HttpClient } from '../transport/http-client.js';
import { loadSegments, serveProcedures } from './procedures.js';
import { peerFaultLog, type ServiceContext, type ServiceRole } from './service-context.js';

/** How long a worker keeps serving after telling its gateway it stops: requests already on their way still land. */
const DRAIN_DELAY = 300;

/**
 * A worker: the segments it names, and, with a gateway, a place in its cluster: it registers there,
 * reports, learns the routes to other workers, and calls their procedures directly.
 */
export async function startWorker(context: ServiceContext<'worker'>): Promise<ServiceRole>
{
    const { config } = context;
    const app = await loadSegments(context);
    // The NATS client is loaded only by a service that speaks NATS.
    if (config.nats !== undefined) return (await import('./nats-service.js')).startNatsWorker(context, app, config.nats);
    if (config.gateway === undefined)
    {
        const { runtime, rpc, channels } = await serveProcedures(context, app, { trustKey: config.trustKey });
        return { runtime, parts: { rpc, channels } };
    }

    // A call that found no worker to go to went through the gateway: new routes are asked for now.
    let link: GatewayLink | undefined;
    const cluster = joinCluster(context, config.gateway, app.codec, () => link?.refreshRoutes(), () => link?.registered === true);
    const { runtime, rpc, channels } = await serveProcedures(context, app, { caller: cluster.caller, trustKey: config.trustKey, withHeaders: runWithHeaders });
    const gatewayLink = link = linkToGateway(context, config.gateway, cluster, rpc);
    return {
        runtime,
        parts: { rpc, channels },
        started: () => gatewayLink.start(),
        beforeClose: async server =>
        {
            server.closing = true;
            await gatewayLink.announceStopping();
            await new Promise(done => setTimeout(done, DRAIN_DELAY));
        },
        afterClose: async () =>
        {
            await gatewayLink.deregister();
            await Promise.all([cluster.client.close(), cluster.http.close()]);
        }
    };
}

type Cluster = ReturnType<typeof joinCluster>;

/** What a worker with a gateway needs to call the procedures of other workers. */
function joinCluster({ config, ca, log }: ServiceContext<'worker'>, gateway: string, codec: ValueCodec, onNoRoute: () => void, registered: () => boolean)
{
    // Calls to other workers carry the call's trace on (client spans, with an SDK).
    const client = tracedTransport(new ChannelClient(config.requestTimeout, ca, peerFaultLog(log)));
    const workers = new KnownWorkers(config.url);
    const { trustKey } = config;
    // With a key, only through a gateway that took this worker (one with the same key: an open one refuses it).
    const caller = new ClusterCaller({ client, codec, workers, gateway, trustKey, onNoRoute, gatewayTrusted: trustKey === undefined ? undefined : registered });
    // Registration and reports are the gateway's HTTP API, not RPC.
    const http = new HttpClient(config.requestTimeout, ca);
    return { client, http, workers, caller };
}

/** The worker's registration with its gateway, its reports (healthy or not), and the routes it learns. */
function linkToGateway({ config, health, log }: ServiceContext<'worker'>, gateway: string, cluster: Cluster, rpc: RpcHandler): GatewayLink
{
    return new GatewayLink({
        client: cluster.http, gateway, url: config.url, procedureNames: rpc.fqns, procedures: rpc.procedures, trustKey: config.trustKey,
        reportInterval: config.reportInterval,
        state: async () => await health.isHealthy() ? 'available' : 'unavailable',
        onRoutes: routes => cluster.workers.update(routes),
        log: { debug: message => log.debug(message), info: message => log.info(message), warn: message => log.warn(message), error: message => log.error(message) }
    });
}
