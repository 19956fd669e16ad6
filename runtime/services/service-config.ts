import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';

import { describeValue } from '../config/config-schemas.js';
import { DEFAULT_PREFIX, NATS_AUTH_KEYS, prefixProblem, readServers, type NatsAuth, type NatsSettings, type NatsTls } from '../nats/settings.js';
import { readCredentials, readNkeySeed } from '../nats/secret-files.js';
import { EnvFileError, findEnvFile, readEnvFile } from '../config/env-file.js';
import { parseJsonText } from '../config/json-syntax.js';
import { certificatesProblem, hostProblem, keyPairProblem, privateKeyProblem, readPemFile, type PemFile } from '../config/pem-files.js';
import { checkServiceFile, MAX_TIMER } from './service-file-schema.js';

/**
 * A service file (`jitar start --service=services/x.json`), read, checked and normalized.
 *
 * Root: `url` (required), `setUp`, `tearDown`, `healthChecks`, `middleware` (or `middlewares`), the
 * optional `remoteWorker` thresholds, `tls` (required with an https:// url, refused with an http://
 * one), the optional `connections` deadlines and caps (CONNECTION_DEFAULTS), the optional `metrics` (Prometheus,
 * ours; standalone, worker and gateway), and exactly one service
 * key: `standalone`, `worker`, `gateway`, `repository` or `proxy`. Every kind uses `url`, `setUp`,
 * `tearDown` and `healthChecks`; `middleware` runs around the RPC requests a standalone or worker
 * answers and a gateway or proxy forwards (a repository serves none), and only a gateway uses
 * `remoteWorker`. A root key the kind does not use is an error, not ignored. `${VAR}` in any string
 * value is replaced from the environment, then from the `.env` file. Every mistake stops the load with
 * one ServiceConfigError.
 */

export type ServiceKind = 'standalone' | 'worker' | 'gateway' | 'repository' | 'proxy';

export const SERVICE_KINDS: readonly ServiceKind[] = ['standalone', 'worker', 'gateway', 'repository', 'proxy'];

/** The values a service gets for what its file leaves out. */
export const SERVICE_DEFAULTS = {
    reportInterval: 5000,
    monitorInterval: 5000,
    unavailableThreshold: 6000,
    stoppedThreshold: 18000,
    requestTimeout: 60000,
    indexFilename: 'index.html',
    serveIndexOnNotFound: false
} as const;

/**
 * The deadlines and caps of the connections a service takes (root `connections`), in milliseconds and
 * counts. Every connection gets deadlines, so that a peer that stalls cannot hold one (and the body it
 * started) for ever; the channel caps bound what unauthenticated channels can hold at once.
 */
export interface ConnectionSettings
{
    /** A request's line and headers must be in within this (Node's `headersTimeout`). */
    readonly headersTimeout: number;
    /** A whole request, headers and body, must be in within this (Node's `requestTimeout`); answered 408 otherwise. */
    readonly bodyTimeout: number;
    /** An idle keep-alive connection is closed after this. */
    readonly keepAliveTimeout: number;
    /** A channel with no traffic and no request in flight is told to go away after this. */
    readonly channelIdleTimeout: number;
    /** A frame begun on a channel must be complete within this; the channel is cut otherwise. */
    readonly channelFrameTimeout: number;
    /** Channels a service takes at once, from all peers together. */
    readonly maxChannels: number;
    /** ... and from one peer address. */
    readonly maxChannelsPerPeer: number;
}

export const CONNECTION_DEFAULTS: ConnectionSettings = {
    headersTimeout: 10_000,
    bodyTimeout: 30_000,
    // Fastify's own default, longer than the 60 s idle timeout of common load balancers.
    keepAliveTimeout: 72_000,
    channelIdleTimeout: 300_000,
    channelFrameTimeout: 30_000,
    maxChannels: 256,
    maxChannelsPerPeer: 16
};

/** Root `metrics` (ours): whether `/metrics` serves the service's Prometheus metrics, and to whom. */
export interface MetricsSettings
{
    readonly enabled: boolean;
    /** Anyone may read them; otherwise only a caller with the trust key, or (for a service without one) on this machine. */
    readonly public: boolean;
}

export const METRICS_DEFAULTS: MetricsSettings = { enabled: false, public: false };

/** What every service has, from the root of its file. */
export interface ServiceCommon
{
    /** Absolute path of the service file. */
    readonly file: string;
    /** Where this service is reached, normalized to scheme, host and port (`http://127.0.0.1:3000`; a default port is left out). */
    readonly url: string;
    readonly protocol: 'http' | 'https';
    /** The URL's host name (an IPv6 address without its brackets). */
    readonly host: string;
    /** The URL's port, or the scheme's default one (80, 443). */
    readonly port: number;
    /** Module paths relative to the source root, in the order the file lists them. */
    readonly setUp: readonly string[];
    readonly tearDown: readonly string[];
    readonly healthChecks: readonly string[];
    /** Registration order is call order. `middlewares` in the file lands here. */
    readonly middleware: readonly string[];
    /** The root `tls` files, read and checked; set exactly when the protocol is https. */
    readonly tls: TlsFiles | undefined;
    /** Root `connections`, with CONNECTION_DEFAULTS for what it leaves out. */
    readonly connections: ConnectionSettings;
    /** Root `metrics` (ours): Prometheus metrics at `/metrics`; off unless the file has the key. */
    readonly metrics: MetricsSettings;
}

/**
 * What an https:// service serves with and whom it trusts, from the root key `tls` (paths relative to
 * the app root). `ca` replaces Node's default trust for this process's connections to other https
 * services (Node's NODE_EXTRA_CA_CERTS is part of that default).
 */
export interface TlsFiles
{
    readonly cert: PemFile;
    readonly key: PemFile;
    readonly ca: PemFile | undefined;
}

/** The files a standalone or repository serves. */
export interface AssetSettings
{
    /** Glob patterns of the files that may be served (nothing is served that they do not match). */
    readonly assets: readonly string[];
    /** The folder assets are served from, as the file gives it; undefined when the file does not set it. */
    readonly assetRoot: string | undefined;
    /** `index` in the file lands here. */
    readonly indexFilename: string;
    readonly serveIndexOnNotFound: boolean;
}

export interface StandaloneServiceConfig extends ServiceCommon, AssetSettings
{
    readonly kind: 'standalone';
    readonly segments: readonly string[];
    readonly trustKey: string | undefined;
    /** Milliseconds a procedure may take before its call is answered 504 (ours). */
    readonly requestTimeout: number;
    readonly openapi?: OpenApiSetting;
    /**
     * `serializeCalls` (ours): calls between segments go through the serializer and the RPC handler as if
     * they were remote, so that what breaks when the app is split shows on one machine. Default false.
     */
    readonly serializeCalls: boolean;
}

/**
 * `openapi` (ours): whether `GET /openapi.json` serves the app's OpenAPI document. Unset, it does when the
 * build has one; `true` requires one; `false` never serves it.
 */
export type OpenApiSetting = boolean;

export interface WorkerServiceConfig extends ServiceCommon
{
    readonly kind: 'worker';
    readonly segments: readonly string[];
    /** The gateway's URL (normalized like `url`); undefined: the worker serves alone. */
    readonly gateway: string | undefined;
    readonly trustKey: string | undefined;
    /** Milliseconds between two state reports to the gateway. */
    readonly reportInterval: number;
    /** Milliseconds a procedure of this worker may take before its call is answered 504, and another worker to answer a call from this one (ours). */
    readonly requestTimeout: number;
    /** The NATS servers that carry the app's RPC instead of a gateway (ours); undefined: HTTP. */
    readonly nats?: NatsSettings;
}

export interface GatewayServiceConfig extends ServiceCommon
{
    readonly kind: 'gateway';
    /** Milliseconds between two checks of the registered workers. */
    readonly monitorInterval: number;
    readonly trustKey: string | undefined;
    /** A worker that has not reported for this many milliseconds counts as unavailable (root `remoteWorker.unavailableThreshold`). */
    readonly unavailableThreshold: number;
    /** ... and after this many as stopped, and is removed (root `remoteWorker.stoppedThreshold`). */
    readonly stoppedThreshold: number;
    /** Milliseconds a worker may take to answer a forwarded request (ours). */
    readonly requestTimeout: number;
    readonly openapi?: OpenApiSetting;
    /** The NATS servers whose workers this gateway sends requests to, instead of registered ones (ours); undefined: HTTP. */
    readonly nats?: NatsSettings;
}

export interface RepositoryServiceConfig extends ServiceCommon, AssetSettings
{
    readonly kind: 'repository';
}

/** Where a proxy forwards RPC requests: the file's `gateway` or its `worker` (exactly one of them). */
export interface RpcTarget
{
    readonly kind: 'gateway' | 'worker';
    /** Normalized like `url`. */
    readonly url: string;
}

export interface ProxyServiceConfig extends ServiceCommon
{
    readonly kind: 'proxy';
    readonly rpcTarget: RpcTarget;
    /** Where everything that is not RPC goes (normalized like `url`); undefined when the file sets none. */
    readonly repository: string | undefined;
    /** Milliseconds the gateway, worker or repository may take to answer (ours). */
    readonly requestTimeout: number;
}

export type ServiceConfig =
    | StandaloneServiceConfig
    | WorkerServiceConfig
    | GatewayServiceConfig
    | RepositoryServiceConfig
    | ProxyServiceConfig;

/** The configuration of one kind: `ServiceConfigOf<'worker'>` is WorkerServiceConfig. */
export type ServiceConfigOf<K extends ServiceKind> = Extract<ServiceConfig, { kind: K }>;

export interface LoadServiceConfigOptions
{
    /** Variables for `${VAR}`; default process.env. A variable that is undefined here is looked up in the env file. */
    env?: Record<string, string | undefined>;
    /** The `.env` file (relative to cwd); it must exist when given. Default: `.env` in cwd, when there is one. */
    envFile?: string;
    /** The folder relative paths start from, and that messages show paths relative to; default process.cwd(). */
    cwd?: string;
}

/** A service file that cannot be used; the message is one line that names the file and, when there is one, the key. */
export class ServiceConfigError extends Error
{
    constructor(
        /** The file at fault as messages show it (the service file, or the .env file). */
        readonly file: string,
        /** The key path at fault (`worker.gateway`, `standalone.segments[1]`), when the problem has one. */
        readonly key: string | undefined,
        message: string,
        options?: ErrorOptions)
    {
        super(message, options);
        this.name = 'ServiceConfigError';
    }
}

/** Reads, checks and normalizes the service file `file` (relative to `options.cwd`). */
export function loadServiceConfig(file: string, options: LoadServiceConfigOptions = {}): ServiceConfig
{
    const cwd = resolve(options.cwd ?? process.cwd());
    const path = resolve(cwd, file);
    const display = displayPath(cwd, path);

    let text: string;
    try
    {
        text = readFileSync(path, 'utf8');
    }
    catch (error)
    {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === 'ENOENT' ? 'service file not found' : code === 'EISDIR' ? 'is a folder, not a service file' : `cannot read the service file (${(error as Error).message})`;
        throw new ServiceConfigError(display, undefined, `${display}: ${reason}`, { cause: error });
    }

    const parsed = parseJsonText(text);
    if (!parsed.ok)
    {
        const { line, column, message } = parsed.error;
        throw new ServiceConfigError(display, undefined, `${display}:${line}:${column}: invalid JSON: ${message}`);
    }
    const variables = new Variables(cwd, options);
    return new ServiceReader(display, path, variables, cwd).read(parsed.value);
}

// ---------------------------------------------------------------------------------------------------
// Variables

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WHOLE_PLACEHOLDER = /^\$\{[^}]*\}$/;

/** `${VAR}` values: the given environment first, then the env file (read on first need). */
class Variables
{
    readonly #env: Record<string, string | undefined>;
    readonly #envFile: string | undefined;
    readonly #envFileDisplay: string;
    #fileVariables: Record<string, string> | undefined;

    constructor(cwd: string, options: LoadServiceConfigOptions)
    {
        this.#env = options.env ?? process.env;
        this.#envFile = findEnvFile(cwd, options.envFile);
        this.#envFileDisplay = this.#envFile === undefined ? '.env' : displayPath(cwd, this.#envFile);
        // A file asked for by name must exist even when no value uses a variable.
        if (options.envFile !== undefined) this.#fileVariables = this.#readFile();
    }

    /** The env file as messages show it, or undefined when there is none. */
    get envFileDisplay(): string | undefined
    {
        return this.#envFile === undefined ? undefined : this.#envFileDisplay;
    }

    get(name: string): string | undefined
    {
        const fromEnv = this.#env[name];
        if (fromEnv !== undefined) return fromEnv;
        this.#fileVariables ??= this.#envFile === undefined ? {} : this.#readFile();
        return this.#fileVariables[name];
    }

    #readFile(): Record<string, string>
    {
        try
        {
            return readEnvFile(this.#envFile as string, this.#envFileDisplay);
        }
        catch (error)
        {
            if (error instanceof EnvFileError) throw new ServiceConfigError(error.file, undefined, error.message, { cause: error });
            throw error;
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Reading: the schema has checked the shape; what is left needs the values of variables, the files
// named, or two keys at once.

/** A number or boolean setting as the schema lets it through: the value, or one `${VAR}` that gives it. */
type Setting = number | boolean | string;

interface AssetSection { assets?: string[]; assetRoot?: string; indexFilename?: string; index?: string; serveIndexOnNotFound?: Setting }

/** A service file that passed schemas/service.schema.json: strings still hold their `${VAR}`s. */
interface ServiceFile
{
    url: string;
    setUp?: string[];
    tearDown?: string[];
    healthChecks?: string[];
    middleware?: string[];
    middlewares?: string[];
    remoteWorker?: { unavailableThreshold?: Setting; stoppedThreshold?: Setting };
    tls?: { cert: string; key: string; ca?: string };
    connections?: Partial<Record<keyof ConnectionSettings, Setting>>;
    metrics?: { enabled?: Setting; public?: Setting };
    standalone?: AssetSection & { segments: string[]; trustKey?: string; openapi?: Setting; requestTimeout?: Setting; serializeCalls?: Setting };
    worker?: { segments: string[]; gateway?: string; trustKey?: string; reportInterval?: Setting; requestTimeout?: Setting; nats?: NatsSection };
    gateway?: { monitorInterval?: Setting; trustKey?: string; requestTimeout?: Setting; openapi?: Setting; nats?: NatsSection };
    repository?: AssetSection;
    proxy?: { gateway?: string; worker?: string; repository?: string; requestTimeout?: Setting };
}

interface NatsSection
{
    servers: string | string[];
    prefix?: string;
    user?: string;
    password?: string;
    token?: string;
    nkey?: string;
    credentials?: string;
    ca?: string;
    cert?: string;
    key?: string;
}

const CHANNEL_KEYS: readonly (keyof ConnectionSettings)[] = ['channelIdleTimeout', 'channelFrameTimeout', 'maxChannels', 'maxChannelsPerPeer'];
/** The kinds that take channels (from gateways, proxies and other workers). */
const CHANNEL_KINDS: readonly ServiceKind[] = ['standalone', 'worker', 'gateway'];

const isServiceFile = (root: unknown, problem: unknown): root is ServiceFile => problem === undefined;

class ServiceReader
{
    constructor(private readonly display: string, private readonly file: string, private readonly variables: Variables, private readonly cwd: string) {}

    read(root: unknown): ServiceConfig
    {
        const problem = checkServiceFile(root);
        if (!isServiceFile(root, problem))
        {
            // 'tls' with an http:// url is refused for that, before what is wrong inside it.
            if (problem?.key?.startsWith('tls') === true) this.plainUrlWithTls(root as { url?: unknown });
            return this.fail(problem?.key, problem?.detail ?? 'the service file does not match its schema');
        }
        const kind = SERVICE_KINDS.find(candidate => root[candidate] !== undefined) as ServiceKind;
        const address = this.url(root.url, 'url');
        const common: ServiceCommon = {
            file: this.file,
            url: address.url,
            protocol: address.protocol,
            host: address.host,
            port: address.port,
            setUp: this.strings(root.setUp, 'setUp'),
            tearDown: this.strings(root.tearDown, 'tearDown'),
            healthChecks: this.strings(root.healthChecks, 'healthChecks'),
            middleware: this.strings(...this.aliased(root, '', 'middleware', 'middlewares')),
            tls: this.tls(root.tls, address.url, address.host, nonCaller(kind, root)),
            connections: this.connections(root.connections, kind),
            metrics: root.metrics === undefined ? METRICS_DEFAULTS : {
                // Given at all, the key turns metrics on unless it says otherwise.
                enabled: this.boolean(root.metrics.enabled, 'metrics.enabled', true),
                public: this.boolean(root.metrics.public, 'metrics.public', METRICS_DEFAULTS.public)
            }
        };

        switch (kind)
        {
            case 'standalone': {
                const section = root.standalone!;
                return {
                    kind, ...common,
                    segments: this.strings(section.segments, 'standalone.segments'),
                    ...this.assets(section, 'standalone'),
                    trustKey: this.optionalString(section.trustKey, 'standalone.trustKey'),
                    requestTimeout: this.milliseconds(section.requestTimeout, 'standalone.requestTimeout', SERVICE_DEFAULTS.requestTimeout),
                    ...section.openapi === undefined ? {} : { openapi: this.boolean(section.openapi, 'standalone.openapi', true) },
                    serializeCalls: this.boolean(section.serializeCalls, 'standalone.serializeCalls', false)
                };
            }
            case 'worker': {
                const section = root.worker!;
                return {
                    kind, ...common,
                    segments: this.strings(section.segments, 'worker.segments'),
                    gateway: section.gateway === undefined ? undefined : this.url(section.gateway, 'worker.gateway').url,
                    trustKey: this.optionalString(section.trustKey, 'worker.trustKey'),
                    reportInterval: this.milliseconds(section.reportInterval, 'worker.reportInterval', SERVICE_DEFAULTS.reportInterval),
                    requestTimeout: this.milliseconds(section.requestTimeout, 'worker.requestTimeout', SERVICE_DEFAULTS.requestTimeout),
                    ...this.nats(section, 'worker')
                };
            }
            case 'gateway': {
                const section = root.gateway!;
                return {
                    kind, ...common,
                    monitorInterval: this.milliseconds(section.monitorInterval, 'gateway.monitorInterval', SERVICE_DEFAULTS.monitorInterval),
                    trustKey: this.optionalString(section.trustKey, 'gateway.trustKey'),
                    requestTimeout: this.milliseconds(section.requestTimeout, 'gateway.requestTimeout', SERVICE_DEFAULTS.requestTimeout),
                    ...section.openapi === undefined ? {} : { openapi: this.boolean(section.openapi, 'gateway.openapi', true) },
                    unavailableThreshold: this.milliseconds(root.remoteWorker?.unavailableThreshold, 'remoteWorker.unavailableThreshold', SERVICE_DEFAULTS.unavailableThreshold),
                    stoppedThreshold: this.milliseconds(root.remoteWorker?.stoppedThreshold, 'remoteWorker.stoppedThreshold', SERVICE_DEFAULTS.stoppedThreshold),
                    ...this.nats(section, 'gateway')
                };
            }
            case 'repository':
                return { kind, ...common, ...this.assets(root.repository!, 'repository') };
            case 'proxy': {
                const section = root.proxy!;
                // The schema lets exactly one of gateway and worker through.
                const target: RpcTarget = section.gateway !== undefined
                    ? { kind: 'gateway', url: this.url(section.gateway, 'proxy.gateway').url }
                    : { kind: 'worker', url: this.url(section.worker as string, 'proxy.worker').url };
                return {
                    kind, ...common,
                    rpcTarget: target,
                    repository: section.repository === undefined ? undefined : this.url(section.repository, 'proxy.repository').url,
                    requestTimeout: this.milliseconds(section.requestTimeout, 'proxy.requestTimeout', SERVICE_DEFAULTS.requestTimeout)
                };
            }
        }
    }

    /** Root `connections`: the headers' deadline within the body's, channel keys only where channels are taken. */
    private connections(section: ServiceFile['connections'], kind: ServiceKind): ConnectionSettings
    {
        if (section === undefined) return CONNECTION_DEFAULTS;
        const read = (key: keyof ConnectionSettings): number =>
        {
            const path = `connections.${key}`;
            if (section[key] !== undefined && CHANNEL_KEYS.includes(key) && !CHANNEL_KINDS.includes(kind))
            {
                this.fail(path, `'${path}' applies to services that take channels (${CHANNEL_KINDS.join(', ')}), not to a ${kind}`);
            }
            return key.startsWith('max') ? this.count(section[key], path, CONNECTION_DEFAULTS[key]) : this.milliseconds(section[key], path, CONNECTION_DEFAULTS[key]);
        };
        const bodyTimeout = read('bodyTimeout');
        const connections: ConnectionSettings = {
            // A body deadline shorter than the headers' default shortens that too.
            headersTimeout: section.headersTimeout === undefined ? Math.min(CONNECTION_DEFAULTS.headersTimeout, bodyTimeout) : read('headersTimeout'),
            bodyTimeout,
            keepAliveTimeout: read('keepAliveTimeout'),
            channelIdleTimeout: read('channelIdleTimeout'),
            channelFrameTimeout: read('channelFrameTimeout'),
            maxChannels: read('maxChannels'),
            maxChannelsPerPeer: read('maxChannelsPerPeer')
        };
        // Node counts both from the request's start: a headers deadline past the body's would never apply.
        if (connections.headersTimeout > connections.bodyTimeout)
        {
            this.fail('connections.headersTimeout', `'connections.headersTimeout' (${connections.headersTimeout} ms) must not be longer than 'connections.bodyTimeout' (${connections.bodyTimeout} ms), which counts from the same start`);
        }
        return connections;
    }

    /** `worker.nats` or `gateway.nats`, once its variables are replaced: the servers parsed, the prefix one subject token. */
    private nats(section: { gateway?: string; nats?: NatsSection }, kind: 'worker' | 'gateway'): { nats?: NatsSettings }
    {
        const value = section.nats;
        if (value === undefined) return {};
        const path = `${kind}.nats`;
        if (kind === 'worker' && section.gateway !== undefined) this.fail(path, `'worker' has both 'gateway' and 'nats'; a worker joins either an HTTP cluster (gateway) or NATS, keep one`);
        const values = typeof value.servers === 'string' ? [this.string(value.servers, `${path}.servers`)] : this.strings(value.servers, `${path}.servers`);
        const servers = readServers(values);
        if (typeof servers === 'string') this.fail(`${path}.servers`, `'${path}.servers' ${servers}`);
        const prefix = value.prefix === undefined ? DEFAULT_PREFIX : this.string(value.prefix, `${path}.prefix`);
        const problem = prefixProblem(prefix);
        if (problem !== undefined) this.fail(`${path}.prefix`, `'${path}.prefix' ${problem}, not ${JSON.stringify(prefix)}`);
        const auth = this.natsAuth(value, path);
        const tls = this.natsTls(value, path);
        return { nats: { servers, prefix, ...auth === undefined ? {} : { auth }, ...tls === undefined ? {} : { tls } } };
    }

    /** The one way a `nats` section authenticates, if any; the values never go into a message. */
    private natsAuth(value: NatsSection, path: string): NatsAuth | undefined
    {
        const given = NATS_AUTH_KEYS.filter(key => value[key] !== undefined);
        if (given.length > 1) this.fail(`${path}.${given[1]}`, `'${path}' gives both '${given[0]}' and '${given[1]}'; the client authenticates one way, keep one`);
        if (value.password !== undefined && value.user === undefined) this.fail(`${path}.password`, `'${path}.password' is given without 'user'; give both, or neither`);
        if (value.user !== undefined)
        {
            if (value.password === undefined) this.fail(`${path}.user`, `'${path}.user' is given without 'password'; give both, or neither`);
            return { kind: 'user', user: this.string(value.user, `${path}.user`), password: this.string(value.password, `${path}.password`) };
        }
        if (value.token !== undefined) return { kind: 'token', token: this.string(value.token, `${path}.token`) };
        if (value.nkey !== undefined) return { kind: 'nkey', seed: this.secretFile(value.nkey, `${path}.nkey`, 'an nkey seed file', readNkeySeed) };
        if (value.credentials !== undefined) return { kind: 'credentials', creds: this.secretFile(value.credentials, `${path}.credentials`, 'a NATS credentials file', readCredentials) };
        return undefined;
    }

    /** `ca`, `cert` and `key` of a `nats` section: the servers' CA, and a client certificate (both of cert and key, or neither). */
    private natsTls(value: NatsSection, path: string): NatsTls | undefined
    {
        if (value.ca === undefined && value.cert === undefined && value.key === undefined) return undefined;
        if ((value.cert === undefined) !== (value.key === undefined))
        {
            const [given, missing] = value.cert === undefined ? ['key', 'cert'] : ['cert', 'key'];
            this.fail(`${path}.${given}`, `'${path}.${given}' is given without '${missing}'; a client certificate needs both (PEM files), or give neither`);
        }
        const ca = value.ca === undefined ? undefined : this.pemFile(value.ca, `${path}.ca`, certificatesProblem);
        const cert = value.cert === undefined ? undefined : this.pemFile(value.cert, `${path}.cert`, certificatesProblem);
        const key = value.key === undefined ? undefined : this.pemFile(value.key, `${path}.key`, privateKeyProblem);
        if (cert !== undefined && key !== undefined)
        {
            const mismatch = keyPairProblem(cert.pem, key.pem);
            if (mismatch !== undefined) this.fail(`${path}.key`, `'${path}.key' names ${this.shown(key.path)}, which ${mismatch} in '${path}.cert' (${this.shown(cert.path)})`);
        }
        return { ...ca === undefined ? {} : { ca: ca.pem.toString('utf8') }, ...cert === undefined ? {} : { cert: cert.pem.toString('utf8') }, ...key === undefined ? {} : { key: key.pem.toString('utf8') } };
    }

    /** A file holding a secret (relative to the app root), read and checked; a message names its path, never what it holds. */
    private secretFile(value: string, path: string, kind: string, parse: (content: Uint8Array) => Uint8Array | string): Uint8Array
    {
        const file = resolve(this.cwd, this.string(value, path));
        const content = readPemFile(file, kind);
        if (typeof content === 'string') this.fail(path, `'${path}' names ${this.shown(file)}, which ${content}`);
        const parsed = parse(new Uint8Array(content));
        if (typeof parsed === 'string') this.fail(path, `'${path}' names ${this.shown(file)}, which ${parsed}`);
        return parsed;
    }

    /** The value of `name` or of its alias, with the key path as the file writes it; both given is an error. */
    private aliased<T extends object, K extends keyof T & string>(section: T, path: string, name: K, alias: K): [T[K], string]
    {
        const hasAlias = Object.hasOwn(section, alias);
        if (hasAlias && Object.hasOwn(section, name)) this.fail(join(path, alias), `both '${join(path, alias)}' and '${join(path, name)}' are given; they mean the same, keep one`);
        return hasAlias ? [section[alias], join(path, alias)] : [section[name], join(path, name)];
    }

    private assets(section: AssetSection, path: string): AssetSettings
    {
        const [indexFilename, indexPath] = this.aliased(section, path, 'indexFilename', 'index');
        return {
            assets: this.strings(section.assets, `${path}.assets`),
            assetRoot: this.optionalString(section.assetRoot, `${path}.assetRoot`),
            indexFilename: this.optionalString(indexFilename, indexPath) ?? SERVICE_DEFAULTS.indexFilename,
            serveIndexOnNotFound: this.boolean(section.serveIndexOnNotFound, `${path}.serveIndexOnNotFound`, SERVICE_DEFAULTS.serveIndexOnNotFound)
        };
    }

    // --- values

    /** A string value with its `${VAR}`s replaced. */
    private text(value: string, path: string): string
    {
        let result = '';
        let from = 0;
        for (;;)
        {
            const start = value.indexOf('${', from);
            if (start < 0) return result + value.slice(from);
            const end = value.indexOf('}', start + 2);
            if (end < 0) this.fail(path, `'${path}' has a '\${' without its closing '}'; a variable is written \${NAME}`);
            const name = value.slice(start + 2, end);
            if (!VARIABLE_NAME.test(name)) this.fail(path, `'${path}' uses \${${name}}, which is not a variable name (letters, digits and _, not starting with a digit)`);
            const replacement = this.variables.get(name);
            if (replacement === undefined)
            {
                const envFile = this.variables.envFileDisplay;
                this.fail(path, `'${path}' uses \${${name}}, which is not set; set it in the environment or in ${envFile ?? 'a .env file'}`);
            }
            result += value.slice(from, start) + replacement;
            from = end + 1;
        }
    }

    /** A string with its variables replaced, which must not come out empty. */
    private string(value: string, path: string): string
    {
        const text = this.text(value, path);
        if (text.trim() === '') this.fail(path, `'${path}' must not be empty${value === text ? '' : ` (it is ${JSON.stringify(text)} from ${value})`}`);
        return text;
    }

    private optionalString(value: string | undefined, path: string): string | undefined
    {
        return value === undefined ? undefined : this.string(value, path);
    }

    private strings(values: string[] | undefined, path: string): string[]
    {
        return (values ?? []).map((item, index) => this.string(item, `${path}[${index}]`));
    }

    /** A value that is exactly one `${VAR}` may give a number or boolean as text: variables are always text. */
    private fromVariable(value: Setting, path: string): { value: Setting; origin: string }
    {
        if (typeof value !== 'string' || !WHOLE_PLACEHOLDER.test(value)) return { value, origin: '' };
        const text = this.text(value, path).trim();
        const parsed = /^\d+(\.\d+)?$/.test(text) ? Number(text) : text === 'true' ? true : text === 'false' ? false : text;
        return { value: parsed, origin: ` (from ${value})` };
    }

    // The schema has checked literal numbers and booleans; these checks are for what variables give.

    private milliseconds(raw: Setting | undefined, path: string, fallback: number): number
    {
        if (raw === undefined) return fallback;
        const { value, origin } = this.fromVariable(raw, path);
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) this.fail(path, `'${path}' must be a positive number of milliseconds, not ${describeValue(value)}${origin}`);
        // Node's timers take at most this; a longer delay would fire at once.
        if (value > MAX_TIMER) this.fail(path, `'${path}' must be at most ${MAX_TIMER} milliseconds (about 24.8 days), not ${value}${origin}`);
        return value;
    }

    private count(raw: Setting | undefined, path: string, fallback: number): number
    {
        if (raw === undefined) return fallback;
        const { value, origin } = this.fromVariable(raw, path);
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) this.fail(path, `'${path}' must be a whole number from 1 on, not ${describeValue(value)}${origin}`);
        return value;
    }

    private boolean(raw: Setting | undefined, path: string, fallback: boolean): boolean
    {
        if (raw === undefined) return fallback;
        const { value, origin } = this.fromVariable(raw, path);
        if (typeof value !== 'boolean') this.fail(path, `'${path}' must be true or false, not ${describeValue(value)}${origin}`);
        return value;
    }

    /** 'tls' with a plain http:// url would be ignored, so it is refused (an https:// url without it is refused in tls()). */
    private plainUrlWithTls(root: { url?: unknown }): void
    {
        if (typeof root.url !== 'string') return;
        const url = this.url(root.url, 'url').url;
        if (url.startsWith('http:')) this.fail('tls', `'tls' is set, but 'url' is ${url}, which serves plain HTTP; make 'url' https:// or remove 'tls' (an http service trusts a private CA by NODE_EXTRA_CA_CERTS)`);
    }

    /** The root `tls` section: required by an https:// url, refused with an http:// one (it would be ignored there). */
    private tls(section: ServiceFile['tls'], url: string, host: string, nonCaller: string | undefined): TlsFiles | undefined
    {
        if (url.startsWith('http:'))
        {
            if (section !== undefined) this.plainUrlWithTls({ url });
            return undefined;
        }
        if (section === undefined) this.fail('tls', `'url' is ${url}, but there is no 'tls' with the certificate and key to serve it; add "tls": { "cert": "./certs/server.crt", "key": "./certs/server.key" } (PEM files) or use an http:// url`);
        const cert = this.pemFile(section.cert, 'tls.cert', certificatesProblem);
        const stranger = hostProblem(cert.pem, host);
        if (stranger !== undefined) this.fail('tls.cert', `'tls.cert' names ${this.shown(cert.path)}, which ${stranger}, the host of 'url': clients would refuse it`);
        const key = this.pemFile(section.key, 'tls.key', privateKeyProblem);
        const mismatch = keyPairProblem(cert.pem, key.pem);
        if (mismatch !== undefined) this.fail('tls.key', `'tls.key' names ${this.shown(key.path)}, which ${mismatch} in 'tls.cert' (${this.shown(cert.path)})`);
        const ca = section.ca === undefined ? undefined : this.pemFile(section.ca, 'tls.ca', certificatesProblem);
        if (ca !== undefined && nonCaller !== undefined) this.fail('tls.ca', `'tls.ca' says which CA to trust when calling other https services, and ${nonCaller} calls none; remove it`);
        return { cert, key, ca };
    }

    /** The PEM file a `tls` key names (relative to the app root), read and checked. */
    private pemFile(value: string, path: string, problemOf: (pem: Buffer) => string | undefined): PemFile
    {
        const file = resolve(this.cwd, this.string(value, path));
        const pem = readPemFile(file);
        if (typeof pem === 'string') this.fail(path, `'${path}' names ${this.shown(file)}, which ${pem}`);
        const problem = problemOf(pem);
        if (problem !== undefined) this.fail(path, `'${path}' names ${this.shown(file)}, which ${problem}`);
        return { path: file, pem };
    }

    private shown(path: string): string
    {
        return displayPath(this.cwd, path);
    }

    /** An http(s) URL of scheme, host and an optional port (a trailing `/` is allowed), normalized. */
    private url(value: string, path: string): { url: string; protocol: 'http' | 'https'; host: string; port: number }
    {
        const text = this.string(value, path);
        const invalid = (reason: string): never =>
            this.fail(path, `'${path}' is not a valid service URL: ${JSON.stringify(text)} ${reason}; write it like "http://127.0.0.1:3000"`);

        if (!/^https?:\/\//i.test(text)) invalid(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? 'must use http:// or https://' : 'must start with http:// or https://');
        let parsed: URL;
        try
        {
            parsed = new URL(text);
        }
        catch
        {
            return invalid('cannot be parsed (check the host name and that the port is from 1 to 65535)');
        }
        if (parsed.hostname === '') invalid('has no host');
        if (parsed.username !== '' || parsed.password !== '') invalid('must not hold a user name or password');
        if (parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '') invalid('must not have a path, query or fragment');
        if (parsed.port === '0') invalid('uses port 0, which cannot be reached');

        const protocol = parsed.protocol === 'https:' ? 'https' : 'http';
        const port = parsed.port === '' ? (protocol === 'https' ? 443 : 80) : Number(parsed.port);
        const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
        return { url: parsed.origin, protocol, host, port };
    }

    private fail(key: string | undefined, detail: string): never
    {
        throw new ServiceConfigError(this.display, key, `${this.display}: ${detail}`);
    }
}

// ---------------------------------------------------------------------------------------------------
// Helpers

const join = (path: string, key: string): string => path === '' ? key : `${path}.${key}`;

/** What the service is when it calls no other service, for a message ("a standalone"); undefined when it calls some. */
function nonCaller(kind: ServiceKind, root: ServiceFile): string | undefined
{
    if (kind === 'gateway' || kind === 'proxy') return undefined;
    if (kind === 'worker') return root.worker?.gateway !== undefined ? undefined : 'a worker without a gateway';
    return `a ${kind}`;
}

function displayPath(cwd: string, path: string): string
{
    const shown = relative(cwd, path);
    return (shown === '' ? '.' : shown).split(sep).join('/');
}
