import { exposedFqns, readManifestIfBuilt } from '../app-build/manifest-file.js';
import { ChannelServer } from '../channel/channel-server.js';
import { runWithHeaders } from '../cluster/call-context.js';
import { rpcChannelHandler } from '../http/channel-rpc.js';
import { forwardingChannelHandler, type Forward } from '../http/forwarding.js';
import { middlewareFailed, withMiddleware } from '../http/forwarding-middleware.js';
import type { Logger } from '../logging/service-logger.js';
import type { Manifest } from '../manifest.js';
import { NatsCaller } from '../nats/caller.js';
import { NatsLink, type NatsLog } from '../nats/connection.js';
import { WorkerDirectory } from '../nats/directory.js';
import { NatsGateway } from '../nats/gateway.js';
import type { NatsSettings } from '../nats/settings.js';
import { NatsWorker } from '../nats/worker.js';
import { compareVersions } from '../procedure-versions.js';
import { observeForward } from '../telemetry/forward-observer.js';
import { gatewayLabels } from '../telemetry/gateway-labels.js';
import { serveProcedures, type AppSegments } from './procedures.js';
import { servedOpenApi } from './served-files.js';
import type { ServiceContext, ServiceRole } from './service-context.js';

/**
 * The roles of workers and gateways whose service file has `nats`: the transport is runtime/nats, which
 * knows nothing of service files; this module hands it what the file says.
 */

/** How long a stopping worker waits for the answers to requests it took from NATS. */
const DRAIN_TIMEOUT = 10_000;

/** A worker on NATS: serves its procedures in the queue groups, calls other workers over NATS, drains when it stops. */
export async function startNatsWorker(context: ServiceContext<'worker'>, app: AppSegments, settings: NatsSettings): Promise<ServiceRole>
{
    const { config, log } = context;
    const link = await NatsLink.open(settings, `jitar worker ${config.url}`, natsLog(log), 'worker.nats');
    const caller = new NatsCaller({ link, codec: app.codec, trustKey: config.trustKey, timeout: config.requestTimeout });
    const { runtime, rpc, channels } = await serveProcedures(context, app, { caller, trustKey: config.trustKey, withHeaders: runWithHeaders });
    const worker = new NatsWorker({
        link, handle: rpcChannelHandler(rpc), procedures: rpc.procedures, url: config.url, reportInterval: config.reportInterval,
        drainTimeout: DRAIN_TIMEOUT, log: { error: (error, message) => log.error({ err: error }, message) }
    });
    return {
        runtime,
        parts: { rpc, channels },
        started: async () => worker.start(),
        beforeClose: async server =>
        {
            server.closing = true;
            await worker.drain();
        },
        afterClose: () => link.drain()
    };
}

/** A gateway on NATS: stateless; the workers already there are discovered before it listens. */
export async function startNatsGateway(context: ServiceContext<'gateway'>, settings: NatsSettings): Promise<ServiceRole>
{
    const { config, log, middleware, bodyLimit, metrics } = context;
    const link = await NatsLink.open(settings, `jitar gateway ${config.url}`, natsLog(log), 'gateway.nats');
    // A worker that died without a goodbye is forgotten as an HTTP gateway forgets one that stopped reporting.
    const directory = new WorkerDirectory(link, config.stoppedThreshold);
    await directory.start();
    const build = readManifestIfBuilt(context.target);
    const broker = new NatsGateway({ link, directory, timeout: config.requestTimeout, trustKey: config.trustKey, build: build === undefined ? undefined : buildVersions(build) });
    // Proxies send over channels too.
    // Every request forwarded, over HTTP or a channel: a server span, metrics and ids in logs, labelled by
    // what the workers announced, as on an HTTP gateway by what they registered.
    const served = { knows: (fqn: string) => directory.versionsOf(fqn).length > 0, versionsServed: (fqn: string) => directory.versionsOf(fqn) };
    const labels = gatewayLabels(served, build === undefined ? undefined : exposedFqns(build));
    const observe = (forwarding: Forward): Forward => observeForward(forwarding, { metrics, labels, log });
    const forward = observe(withMiddleware(middleware, (fqn, request) => broker.forward(fqn, request), middlewareFailed(log)));
    const channels = new ChannelServer({ handle: forwardingChannelHandler(forward), bodyLimit, log, limits: config.connections });
    return {
        parts: { broker, channels, openapi: servedOpenApi(context), observeForward: observe },
        afterClose: async () =>
        {
            directory.stop();
            await link.drain();
        }
    };
}

/** The versions of each public and protected procedure of a build, ascending. */
function buildVersions(build: Manifest): Map<string, string[]>
{
    const versions = new Map<string, string[]>();
    for (const procedure of build.procedures)
    {
        if (procedure.access === 'private') continue;
        versions.set(procedure.fqn, [...versions.get(procedure.fqn) ?? [], procedure.version]);
    }
    for (const list of versions.values()) list.sort(compareVersions);
    return versions;
}

function natsLog(log: Logger): NatsLog
{
    return { info: message => log.info(message), warn: message => log.warn(message) };
}
