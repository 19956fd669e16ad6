import type { ChannelRequestHandler } from '../http/channel-server.js';
import type { Manifest } from '../manifest.js';
import { NatsCaller } from '../nats/caller.js';
import { NatsLink, type NatsLog } from '../nats/connection.js';
import { WorkerDirectory } from '../nats/directory.js';
import { NatsGateway } from '../nats/gateway.js';
import type { NatsSettings } from '../nats/settings.js';
import { NatsWorker } from '../nats/worker.js';
import type { ValueCodec } from '../rpc/rpc-handler.js';
import { compareVersions } from '../rpc/versions.js';
import type { GatewayServiceConfig } from './service-config.js';
import type { Logger } from './service-logger.js';

/**
 * The steps of startService for services whose file has `nats`: the transport is runtime/nats, which
 * knows nothing of service files; this module hands it what the file says.
 */

/** A worker's connection, and the caller that runs other workers' procedures over it. */
export async function joinNats(settings: NatsSettings, url: string, trustKey: string | undefined, requestTimeout: number, codec: ValueCodec, log: Logger): Promise<{ link: NatsLink; caller: NatsCaller }>
{
    const link = await NatsLink.open(settings, `jitar worker ${url}`, natsLog(log));
    return { link, caller: new NatsCaller({ link, codec, trustKey, timeout: requestTimeout }) };
}

/** Serves the worker's procedures on NATS once started; drain() stops taking requests and waits for those taken. */
export function serveOnNats(link: NatsLink, handle: ChannelRequestHandler, procedures: { fqn: string; version: string }[], url: string, reportInterval: number, drainTimeout: number, log: Logger): NatsWorker
{
    return new NatsWorker({ link, handle, procedures, url, reportInterval, drainTimeout, log: { error: (error, message) => log.error({ err: error }, message) } });
}

/** A gateway on NATS, with the workers that are there already discovered. */
export async function startNatsGateway(settings: NatsSettings, config: GatewayServiceConfig, build: Manifest | undefined, log: Logger): Promise<{ broker: NatsGateway; stop(): Promise<void> }>
{
    const link = await NatsLink.open(settings, `jitar gateway ${config.url}`, natsLog(log));
    // A worker that died without a goodbye is forgotten as an HTTP gateway forgets one that stopped reporting.
    const directory = new WorkerDirectory(link, config.stoppedThreshold);
    await directory.start();
    const broker = new NatsGateway({ link, directory, timeout: config.requestTimeout, trustKey: config.trustKey, build: build === undefined ? undefined : buildVersions(build) });
    return {
        broker,
        stop: async () =>
        {
            directory.stop();
            await link.drain();
        }
    };
}

/** The versions of each public and protected procedure of a build, ascending as the manifest lists them. */
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
