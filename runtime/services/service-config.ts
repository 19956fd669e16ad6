import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';

import { EnvFileError, findEnvFile, readEnvFile } from './env-file.js';
import { certificatesProblem, hostProblem, keyPairProblem, privateKeyProblem, readPemFile, type PemFile } from './pem-files.js';

/**
 * A service file (`jitar start --service=services/x.json`), read, checked and normalized.
 *
 * Root: `url` (required), `setUp`, `tearDown`, `healthChecks`, `middleware` (or `middlewares`), the
 * optional `remoteWorker` thresholds, `tls` (required with an https:// url, refused with an http://
 * one), the optional `connections` deadlines and caps (CONNECTION_DEFAULTS), and exactly one service
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

    const root = parseJson(text, display);
    const variables = new Variables(cwd, options);
    return new ServiceReader(display, path, variables, cwd).read(root);
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
// Reading

type Json = null | boolean | number | string | Json[] | JsonObject;
interface JsonObject { [key: string]: Json }

const ROOT_KEYS = ['url', 'setUp', 'tearDown', 'healthChecks', 'middleware', 'remoteWorker', 'tls', 'connections', 'metrics', ...SERVICE_KINDS] as const;
const ROOT_ALIASES: Readonly<Record<string, string>> = { middlewares: 'middleware' };
const ASSET_KEYS = ['assets', 'assetRoot', 'indexFilename', 'serveIndexOnNotFound'] as const;
const ASSET_ALIASES: Readonly<Record<string, string>> = { index: 'indexFilename' };
const SERVICE_KEYS: Readonly<Record<ServiceKind, readonly string[]>> = {
    standalone: ['segments', ...ASSET_KEYS, 'trustKey', 'openapi', 'requestTimeout', 'serializeCalls'],
    worker: ['segments', 'gateway', 'trustKey', 'reportInterval', 'requestTimeout'],
    gateway: ['monitorInterval', 'trustKey', 'requestTimeout', 'openapi'],
    repository: ASSET_KEYS,
    proxy: ['gateway', 'worker', 'repository', 'requestTimeout']
};
const SERVICE_ALIASES: Readonly<Record<ServiceKind, Readonly<Record<string, string>>>> = {
    standalone: ASSET_ALIASES, worker: {}, gateway: {}, repository: ASSET_ALIASES, proxy: {}
};
const REMOTE_WORKER_KEYS = ['unavailableThreshold', 'stoppedThreshold'] as const;
const TLS_KEYS = ['cert', 'key', 'ca'] as const;
const METRICS_KEYS = ['enabled', 'public'] as const;

/**
 * Root keys that only some kinds use (the others are used by all), with what the message tells a file
 * of another kind: a setting that would do nothing there must not look as if it did something.
 */
const KIND_ROOT_KEYS: Readonly<Record<string, { usedBy: readonly ServiceKind[]; otherwise: string }>> = {
    middleware: { usedBy: ['standalone', 'worker', 'gateway', 'proxy'], otherwise: 'it serves no RPC requests for middleware to run around, so remove the key' },
    remoteWorker: { usedBy: ['gateway'], otherwise: 'only a gateway uses it (when it counts its workers unavailable and stopped), so move it to the gateway\'s service file' },
    metrics: { usedBy: ['standalone', 'worker', 'gateway'], otherwise: 'metrics count the RPC calls a standalone, worker or gateway answers, so remove the key' }
};

/** The longest delay Node's timers take (2^31 - 1 ms). */
const MAX_TIMER = 2_147_483_647;

const CONNECTION_KEYS = Object.keys(CONNECTION_DEFAULTS) as (keyof ConnectionSettings)[];
const CHANNEL_KEYS: readonly (keyof ConnectionSettings)[] = ['channelIdleTimeout', 'channelFrameTimeout', 'maxChannels', 'maxChannelsPerPeer'];
/** The kinds that take channels (from gateways, proxies and other workers). */
const CHANNEL_KINDS: readonly ServiceKind[] = ['standalone', 'worker', 'gateway'];

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One object of the file, with its aliases resolved: `get` answers by canonical name, `keyOf` tells the name the file used. */
interface Section
{
    /** The key path of the object (`''` for the root). */
    readonly path: string;
    get(name: string): Json | undefined;
    keyOf(name: string): string;
}

class ServiceReader
{
    constructor(private readonly display: string, private readonly file: string, private readonly variables: Variables, private readonly cwd: string) {}

    read(root: Json): ServiceConfig
    {
        if (!isObject(root)) this.fail(undefined, `the service file must hold a JSON object (with "url" and one of ${SERVICE_KINDS.join(', ')}), not ${describe(root)}`);
        const top = this.section(root, '', ROOT_KEYS, ROOT_ALIASES);

        const kinds = SERVICE_KINDS.filter(kind => root[kind] !== undefined);
        if (kinds.length === 0) this.fail(undefined, `no service key; give exactly one of ${SERVICE_KINDS.join(', ')}`);
        if (kinds.length > 1) this.fail(kinds[1], `several service keys (${quoteList(kinds)}); a file configures one service, so keep exactly one of them`);
        const kind = kinds[0];
        for (const [name, { usedBy, otherwise }] of Object.entries(KIND_ROOT_KEYS))
        {
            const key = top.keyOf(name);
            if (!usedBy.includes(kind) && Object.hasOwn(root, key)) this.fail(key, `'${key}' is not used by a ${kind} service; ${otherwise}`);
        }

        const url = top.get('url');
        if (url === undefined) this.fail('url', `missing required key 'url' (where this service listens, such as "http://127.0.0.1:3000")`);
        const address = this.url(url, 'url');

        const common: ServiceCommon = {
            file: this.file,
            url: address.url,
            protocol: address.protocol,
            host: address.host,
            port: address.port,
            setUp: this.modules(top, 'setUp'),
            tearDown: this.modules(top, 'tearDown'),
            healthChecks: this.modules(top, 'healthChecks'),
            middleware: this.modules(top, 'middleware'),
            tls: this.tls(top, address.url, address.host, nonCaller(kind, root[kind])),
            connections: this.connections(top, kind),
            metrics: this.metrics(top)
        };

        const service = this.section(this.object(root[kind], kind), kind, SERVICE_KEYS[kind], SERVICE_ALIASES[kind]);
        switch (kind)
        {
            case 'standalone':
                return {
                    kind, ...common,
                    segments: this.segments(service),
                    ...this.assets(service),
                    trustKey: this.trustKey(service),
                    requestTimeout: this.milliseconds(service, 'requestTimeout', SERVICE_DEFAULTS.requestTimeout),
                    ...this.openapi(service),
                    serializeCalls: this.boolean(service, 'serializeCalls', false)
                };
            case 'worker':
                return {
                    kind, ...common,
                    segments: this.segments(service),
                    gateway: this.optionalUrl(service, 'gateway'),
                    trustKey: this.trustKey(service),
                    reportInterval: this.milliseconds(service, 'reportInterval', SERVICE_DEFAULTS.reportInterval),
                    requestTimeout: this.milliseconds(service, 'requestTimeout', SERVICE_DEFAULTS.requestTimeout)
                };
            case 'gateway':
                return {
                    kind, ...common,
                    monitorInterval: this.milliseconds(service, 'monitorInterval', SERVICE_DEFAULTS.monitorInterval),
                    trustKey: this.trustKey(service),
                    requestTimeout: this.milliseconds(service, 'requestTimeout', SERVICE_DEFAULTS.requestTimeout),
                    ...this.openapi(service),
                    ...this.thresholds(top)
                };
            case 'repository':
                return { kind, ...common, ...this.assets(service) };
            case 'proxy':
                return {
                    kind, ...common,
                    rpcTarget: this.rpcTarget(service),
                    repository: this.optionalUrl(service, 'repository'),
                    requestTimeout: this.milliseconds(service, 'requestTimeout', SERVICE_DEFAULTS.requestTimeout)
                };
        }
    }

    /** Root `connections`: every key a positive number, the headers' deadline within the body's, channel keys only where channels are taken. */
    private connections(top: Section, kind: ServiceKind): ConnectionSettings
    {
        const value = top.get('connections');
        if (value === undefined) return CONNECTION_DEFAULTS;
        const section = this.section(this.object(value, 'connections'), 'connections', CONNECTION_KEYS, {});
        const read = (key: keyof ConnectionSettings): number =>
        {
            if (section.get(key) !== undefined && CHANNEL_KEYS.includes(key) && !CHANNEL_KINDS.includes(kind))
            {
                this.fail(`connections.${key}`, `'connections.${key}' applies to services that take channels (${CHANNEL_KINDS.join(', ')}), not to a ${kind}`);
            }
            return key.startsWith('max') ? this.count(section, key, CONNECTION_DEFAULTS[key]) : this.milliseconds(section, key, CONNECTION_DEFAULTS[key]);
        };
        const bodyTimeout = read('bodyTimeout');
        const connections: ConnectionSettings = {
            // A body deadline shorter than the headers' default shortens that too.
            headersTimeout: section.get('headersTimeout') === undefined ? Math.min(CONNECTION_DEFAULTS.headersTimeout, bodyTimeout) : read('headersTimeout'),
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

    /** Root `metrics`: `enabled` (true when the key is given) and `public` (default false: trust key or this machine only). */
    private metrics(top: Section): MetricsSettings
    {
        const value = top.get('metrics');
        if (value === undefined) return METRICS_DEFAULTS;
        const section = this.section(this.object(value, 'metrics'), 'metrics', METRICS_KEYS, {});
        return { enabled: this.boolean(section, 'enabled', true), public: this.boolean(section, 'public', METRICS_DEFAULTS.public) };
    }

    // --- structure

    /** Checks the keys of `object` (unknown keys, an alias given next to its canonical name) and resolves aliases. */
    private section(object: JsonObject, path: string, known: readonly string[], aliases: Readonly<Record<string, string>>): Section
    {
        const keys = Object.keys(object);
        const unknown = keys.filter(key => !known.includes(key) && !Object.hasOwn(aliases, key));
        if (unknown.length > 0)
        {
            const where = path === '' ? 'at the root' : `in '${path}'`;
            this.fail(join(path, unknown[0]), `unknown key${unknown.length > 1 ? 's' : ''} ${quoteList(unknown)} ${where}; known keys are ${known.join(', ')}`);
        }
        for (const [alias, name] of Object.entries(aliases))
        {
            if (Object.hasOwn(object, alias) && Object.hasOwn(object, name))
                this.fail(join(path, alias), `both '${join(path, alias)}' and '${join(path, name)}' are given; they mean the same, keep one`);
        }
        const keyOf = (name: string): string => Object.entries(aliases).find(([alias, target]) => target === name && Object.hasOwn(object, alias))?.[0] ?? name;
        return {
            path,
            keyOf,
            get: name => Object.hasOwn(object, keyOf(name)) ? object[keyOf(name)] : undefined
        };
    }

    private object(value: Json | undefined, path: string): JsonObject
    {
        if (!isObject(value)) this.fail(path, `'${path}' must be an object, not ${describe(value)}`);
        return value;
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

    private string(value: Json | undefined, path: string, what = 'a string'): string
    {
        if (typeof value !== 'string') this.fail(path, `'${path}' must be ${what}, not ${describe(value)}`);
        const text = this.text(value, path);
        if (text.trim() === '') this.fail(path, `'${path}' must not be empty${value === text ? '' : ` (it is ${JSON.stringify(text)} from ${value})`}`);
        return text;
    }

    private optionalString(section: Section, name: string): string | undefined
    {
        const value = section.get(name);
        return value === undefined ? undefined : this.string(value, join(section.path, section.keyOf(name)));
    }

    private strings(section: Section, name: string, what: string): string[] | undefined
    {
        const value = section.get(name);
        if (value === undefined) return undefined;
        const path = join(section.path, section.keyOf(name));
        if (!Array.isArray(value)) this.fail(path, `'${path}' must be an array of ${what}, not ${describe(value)}`);
        return value.map((item, index) => this.string(item, `${path}[${index}]`));
    }

    private modules(section: Section, name: string): string[]
    {
        return this.strings(section, name, 'module paths (strings)') ?? [];
    }

    private segments(section: Section): string[]
    {
        const segments = this.strings(section, 'segments', 'segment names (strings)');
        if (segments === undefined) this.fail(join(section.path, 'segments'), `missing required key 'segments' in '${section.path}' (the names of the segments it serves, such as ["default"])`);
        return segments;
    }

    private trustKey(section: Section): string | undefined
    {
        return this.optionalString(section, 'trustKey');
    }

    /** A gateway's root `remoteWorker`. */
    private thresholds(top: Section): Pick<GatewayServiceConfig, 'unavailableThreshold' | 'stoppedThreshold'>
    {
        const value = top.get('remoteWorker');
        const remoteWorker = value === undefined ? undefined : this.section(this.object(value, 'remoteWorker'), 'remoteWorker', REMOTE_WORKER_KEYS, {});
        return {
            unavailableThreshold: remoteWorker === undefined ? SERVICE_DEFAULTS.unavailableThreshold : this.milliseconds(remoteWorker, 'unavailableThreshold', SERVICE_DEFAULTS.unavailableThreshold),
            stoppedThreshold: remoteWorker === undefined ? SERVICE_DEFAULTS.stoppedThreshold : this.milliseconds(remoteWorker, 'stoppedThreshold', SERVICE_DEFAULTS.stoppedThreshold)
        };
    }

    private assets(section: Section): AssetSettings
    {
        return {
            assets: this.strings(section, 'assets', 'file patterns (strings)') ?? [],
            assetRoot: this.optionalString(section, 'assetRoot'),
            indexFilename: this.optionalString(section, 'indexFilename') ?? SERVICE_DEFAULTS.indexFilename,
            serveIndexOnNotFound: this.boolean(section, 'serveIndexOnNotFound', SERVICE_DEFAULTS.serveIndexOnNotFound)
        };
    }

    /** A value that is exactly one `${VAR}` may give a number or boolean as text: variables are always text. */
    private fromVariable(value: Json | undefined, path: string): { value: Json | undefined; origin: string }
    {
        if (typeof value !== 'string' || !WHOLE_PLACEHOLDER.test(value)) return { value, origin: '' };
        const text = this.text(value, path).trim();
        const parsed = /^\d+(\.\d+)?$/.test(text) ? Number(text) : text === 'true' ? true : text === 'false' ? false : text;
        return { value: parsed, origin: ` (from ${value})` };
    }

    private milliseconds(section: Section, name: string, fallback: number): number
    {
        const raw = section.get(name);
        if (raw === undefined) return fallback;
        const path = join(section.path, section.keyOf(name));
        const { value, origin } = this.fromVariable(raw, path);
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) this.fail(path, `'${path}' must be a positive number of milliseconds, not ${describe(value)}${origin}`);
        // Node's timers take at most this; a longer delay would fire at once.
        if (value > MAX_TIMER) this.fail(path, `'${path}' must be at most ${MAX_TIMER} milliseconds (about 24.8 days), not ${value}${origin}`);
        return value;
    }

    private count(section: Section, name: string, fallback: number): number
    {
        const raw = section.get(name);
        if (raw === undefined) return fallback;
        const path = join(section.path, section.keyOf(name));
        const { value, origin } = this.fromVariable(raw, path);
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) this.fail(path, `'${path}' must be a whole number from 1 on, not ${describe(value)}${origin}`);
        return value;
    }

    private boolean(section: Section, name: string, fallback: boolean): boolean
    {
        const raw = section.get(name);
        if (raw === undefined) return fallback;
        const path = join(section.path, section.keyOf(name));
        const { value, origin } = this.fromVariable(raw, path);
        if (typeof value !== 'boolean') this.fail(path, `'${path}' must be true or false, not ${describe(value)}${origin}`);
        return value;
    }

    /** Only a file that sets `openapi` gets the key: unset is not the same as either value. */
    private openapi(section: Section): { openapi?: OpenApiSetting }
    {
        return section.get('openapi') === undefined ? {} : { openapi: this.boolean(section, 'openapi', true) };
    }

    private optionalUrl(section: Section, name: string): string | undefined
    {
        const value = section.get(name);
        return value === undefined ? undefined : this.url(value, join(section.path, section.keyOf(name))).url;
    }

    private rpcTarget(section: Section): RpcTarget
    {
        const gateway = this.optionalUrl(section, 'gateway');
        const worker = this.optionalUrl(section, 'worker');
        if (gateway !== undefined && worker !== undefined) this.fail('proxy.worker', `'proxy' has both 'gateway' and 'worker'; it forwards RPC to one of them, keep one`);
        if (gateway !== undefined) return { kind: 'gateway', url: gateway };
        if (worker !== undefined) return { kind: 'worker', url: worker };
        this.fail('proxy.gateway', `'proxy' needs 'gateway' or 'worker' (the URL it forwards RPC requests to, such as "http://127.0.0.1:2000")`);
    }

    /** The root `tls` section: required by an https:// url, refused with an http:// one (it would be ignored there). */
    private tls(top: Section, url: string, host: string, nonCaller: string | undefined): TlsFiles | undefined
    {
        const value = top.get('tls');
        if (url.startsWith('http:'))
        {
            if (value !== undefined) this.fail('tls', `'tls' is set, but 'url' is ${url}, which serves plain HTTP; make 'url' https:// or remove 'tls' (an http service trusts a private CA by NODE_EXTRA_CA_CERTS)`);
            return undefined;
        }
        if (value === undefined) this.fail('tls', `'url' is ${url}, but there is no 'tls' with the certificate and key to serve it; add "tls": { "cert": "./certs/server.crt", "key": "./certs/server.key" } (PEM files) or use an http:// url`);
        const section = this.section(this.object(value, 'tls'), 'tls', TLS_KEYS, {});
        const cert = this.pemFile(section, 'cert', certificatesProblem)
            ?? this.fail('tls.cert', `missing required key 'cert' in 'tls' (the certificate to serve with: a PEM file relative to the app root, such as "./certs/server.crt")`);
        const stranger = hostProblem(cert.pem, host);
        if (stranger !== undefined) this.fail('tls.cert', `'tls.cert' names ${this.shown(cert.path)}, which ${stranger}, the host of 'url': clients would refuse it`);
        const key = this.pemFile(section, 'key', privateKeyProblem)
            ?? this.fail('tls.key', `missing required key 'key' in 'tls' (the certificate's private key: a PEM file relative to the app root, such as "./certs/server.key")`);
        const mismatch = keyPairProblem(cert.pem, key.pem);
        if (mismatch !== undefined) this.fail('tls.key', `'tls.key' names ${this.shown(key.path)}, which ${mismatch} in 'tls.cert' (${this.shown(cert.path)})`);
        const ca = this.pemFile(section, 'ca', certificatesProblem);
        if (ca !== undefined && nonCaller !== undefined) this.fail('tls.ca', `'tls.ca' says which CA to trust when calling other https services, and ${nonCaller} calls none; remove it`);
        return { cert, key, ca };
    }

    /** The PEM file named by `tls.<name>` (relative to the app root), read and checked; undefined when the key is absent. */
    private pemFile(section: Section, name: string, problemOf: (pem: Buffer) => string | undefined): PemFile | undefined
    {
        const value = section.get(name);
        if (value === undefined) return undefined;
        const path = join(section.path, name);
        const file = resolve(this.cwd, this.string(value, path, 'a file path'));
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
    private url(value: Json, path: string): { url: string; protocol: 'http' | 'https'; host: string; port: number }
    {
        const text = this.string(value, path, 'a URL string');
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
function nonCaller(kind: ServiceKind, service: Json | undefined): string | undefined
{
    if (kind === 'gateway' || kind === 'proxy') return undefined;
    if (kind === 'worker') return isObject(service) && service.gateway !== undefined ? undefined : 'a worker without a gateway';
    return `a ${kind}`;
}

/** `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`. */
function quoteList(items: readonly string[]): string
{
    const quoted = items.map(item => `'${item}'`);
    return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

/** A value as messages show it: strings and numbers as written, containers by their kind. */
function describe(value: Json | undefined): string
{
    if (value === undefined) return 'nothing';
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'object') return 'an object';
    return JSON.stringify(value);
}

function displayPath(cwd: string, path: string): string
{
    const shown = relative(cwd, path);
    return (shown === '' ? '.' : shown).split(sep).join('/');
}

// ---------------------------------------------------------------------------------------------------
// JSON

/** JSON.parse, with a syntax error reported as `file:line:column: invalid JSON: ...` whatever Node's own message says. */
function parseJson(text: string, display: string): Json
{
    const content = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    try
    {
        return JSON.parse(content) as Json;
    }
    catch (error)
    {
        const found = findJsonError(content);
        const position = found?.position ?? Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? NaN);
        const message = found?.message ?? (error as Error).message.replace(/ in JSON at position \d+.*$/, '');
        const at = Number.isNaN(position) ? '' : `:${lineAndColumn(content, position)}`;
        throw new ServiceConfigError(display, undefined, `${display}${at}: invalid JSON: ${message}`, { cause: error });
    }
}

function lineAndColumn(text: string, position: number): string
{
    const before = text.slice(0, position).split('\n');
    return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** The first syntax error of `text` (strict JSON), as a position and a short message; undefined when there is none. */
function findJsonError(text: string): { position: number; message: string } | undefined
{
    let at = 0;
    class Stop { constructor(readonly position: number, readonly message: string) {} }
    const stop = (message: string, position = at): never => { throw new Stop(position, message); };
    const space = (): void => { while (at < text.length && ' \t\n\r'.includes(text[at])) at++; };
    const found = (): string => at >= text.length ? 'the end of the file' : `'${text[at]}'`;

    const string = (): void =>
    {
        const start = at++;
        for (;;)
        {
            if (at >= text.length) stop('unterminated string', start);
            const char = text[at];
            if (char === '"') { at++; return; }
            if (char.charCodeAt(0) < 0x20) stop('line break or control character inside a string');
            if (char === '\\')
            {
                const escape = text[at + 1];
                if (escape === 'u')
                {
                    if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) stop('invalid \\u escape');
                    at += 6;
                }
                else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) at += 2;
                else stop(`invalid escape '\\${escape ?? ''}'`);
            }
            else at++;
        }
    };

    const value = (): void =>
    {
        space();
        const char = text[at];
        if (char === '{')
        {
            at++;
            space();
            if (text[at] === '}') { at++; return; }
            for (;;)
            {
                space();
                if (text[at] !== '"') stop(`expected a property name in double quotes, found ${found()}`);
                string();
                space();
                if (text[at] !== ':') stop(`expected ':' after the property name, found ${found()}`);
                at++;
                value();
                space();
                if (text[at] === ',') { at++; space(); if (text[at] === '}') stop('trailing comma'); continue; }
                if (text[at] === '}') { at++; return; }
                stop(`expected ',' or '}', found ${found()}`);
            }
        }
        if (char === '[')
        {
            at++;
            space();
            if (text[at] === ']') { at++; return; }
            for (;;)
            {
                value();
                space();
                if (text[at] === ',') { at++; space(); if (text[at] === ']') stop('trailing comma'); continue; }
                if (text[at] === ']') { at++; return; }
                stop(`expected ',' or ']', found ${found()}`);
            }
        }
        if (char === '"') return string();
        const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at))?.[0];
        if (literal === undefined || /^[\w$]/.test(text.slice(at + literal.length, at + literal.length + 1))) stop(`expected a value, found ${found()}`);
        at += (literal as string).length;
    };

    try
    {
        value();
        space();
        if (at < text.length) stop(`unexpected ${found()} after the end of the JSON value`);
        return undefined;
    }
    catch (error)
    {
        if (error instanceof Stop) return { position: error.position, message: error.message };
        throw error;
    }
}
