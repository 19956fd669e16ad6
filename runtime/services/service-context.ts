import type { PeerFaultListener } from '../channel/channel-client.js';
import type { ProcedureRuntime } from '../core/procedure-runtime.js';
import type { HealthChecks } from '../health/health-checks.js';
import type { HttpParts } from '../http/fastify-server.js';
import type { Logger } from '../logging/service-logger.js';
import type { Middleware } from '../middleware/middleware.js';
import type { ServiceMetrics } from '../telemetry/metrics.js';
import type { ServiceConfig, ServiceConfigOf, ServiceKind } from './service-config.js';

/** What every kind of service starts from: its configuration, and what start-service.ts made of it first. */
export type ServiceContext<K extends ServiceKind = ServiceKind> = ContextWith<ServiceConfigOf<K>>;

/** (By the configuration's type rather than its kind: a step for two kinds then takes the context of either.) */
interface ContextWith<Config extends ServiceConfig>
{
    readonly config: Config;
    /** The app's root, where jitar.json is. */
    readonly cwd: string;
    /** The app's build (jitar.json's target folder). */
    readonly target: string;
    readonly log: Logger;
    readonly bodyLimit: number;
    /** Whom this process trusts when it connects to https services; undefined: Node's default CAs. */
    readonly ca: Buffer | undefined;
    readonly health: HealthChecks;
    readonly middleware: readonly Middleware[];
    /** Prometheus metrics, when the service file turns them on (root `metrics`). */
    readonly metrics: ServiceMetrics | undefined;
}

/** What the server answers for a service of one kind, and what that kind does around listening and closing. */
export interface ServiceRole
{
    parts: Omit<HttpParts, 'health' | 'middleware'>;
    /** What /health answers when it is not the service's own checks (a proxy's: those of the services behind it). */
    health?: HttpParts['health'];
    /** The procedure runtime this process installed (standalones and workers); removed when it stops. */
    runtime?: ProcedureRuntime;
    /** Once the server listens. */
    started?(): Promise<void>;
    /** Before the server closes; `server.closing` makes its answers end their connections. */
    beforeClose?(server: { closing: boolean }): Promise<void>;
    /** After the server closed, or when it could not listen. */
    afterClose?(): Promise<void>;
    /** A standalone's: its code loaded again (jitar dev); the handler and document to serve from now on. */
    reload?(options: ReloadOptions): Promise<Pick<HttpParts, 'rpc' | 'openapi'>>;
}

export interface ReloadOptions
{
    /** Read the manifest again, import the segments' entries and compile the validators; else all stay. */
    manifestChanged: boolean;
    /** Without a manifest change: the emitted files (absolute paths) whose modules are imported again. */
    changed: readonly string[];
}

/** A log line naming the process whose answer was refused: the call gets a 502, an operator the culprit. */
export function peerFaultLog(log: Logger): PeerFaultListener
{
    return (peer, problem) => log.warn({ peer }, `Answer from ${peer} refused: ${problem}`);
}
