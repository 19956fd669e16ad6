import { BadRequest, Forbidden, NoWorkerYet, ProcedureNotFound, RemoteCallTimedOut, Unauthorized, WorkerUnavailable } from '../errors.js';
import { compareVersions, parseVersion, VERSION_HEADER } from '../procedure-versions.js';
import { requestHeader } from '../transport/raw-headers.js';
import { ConnectionRefused, type HttpAnswer, type HttpRequest, type Transport } from '../transport/transport.js';
import { nearProcedureName } from '../rpc/near-name.js';
import { sameTrustKey } from '../rpc/trust-key.js';
import type { RegisteredWorker, WorkerRegistry } from './worker-registry.js';
import { isWorkerState, type RoutingTable, type WorkerState } from './worker-state.js';

/**
 * A gateway without its transport: worker registration as the reference API has it (`{url,
 * procedureNames, trustKey?}` gives `{id}`), reports, and the forwarding of RPC requests to a worker,
 * round robin. A worker that refuses the connection gets the request's next try, and no traffic until it
 * reports again: nothing was sent to it, so the retry is safe. A worker that lets a call time out gets no
 * traffic until it reports again either, but that call is not retried.
 */
export class Gateway
{
    readonly registry: WorkerRegistry;
    readonly #client: Transport;
    readonly #trustKey: string | undefined;
    readonly #options: GatewayOptions;
    readonly #startedAt: number;

    constructor(registry: WorkerRegistry, client: Transport, trustKey: string | undefined, options: Partial<GatewayOptions> = {})
    {
        this.registry = registry;
        this.#client = client;
        this.#trustKey = trustKey;
        this.#options = { expected: options.expected, gracePeriod: options.gracePeriod ?? 0, now: options.now ?? Date.now };
        this.#startedAt = this.#options.now();
    }

    /**
     * Registers the worker a request body describes; throws BadRequest or Unauthorized naming what is
     * wrong. The answer holds the routing table only for a worker that reads it (`readsRoutes`): the
     * reference's worker refuses an answer with more than `{id}`.
     */
    register(body: unknown, readsRoutes = true): { id: string; routes?: RoutingTable }
    {
        const registration = readRegistration(body);
        if (this.#trustKey !== undefined && !sameTrustKey(this.#trustKey, registration.trustKey)) throw new Unauthorized('Invalid trust key');
        // A worker with a key expects its callers to hold it too: behind an open gateway, any process could
        // register beside it and be sent its share of the calls, with their headers and the workers' key.
        if (this.#trustKey === undefined && registration.trustKey !== undefined) throw new Forbidden(OPEN_GATEWAY);
        const worker = this.registry.register(registration.url, registration.procedureNames, registration.state, registration.procedures);
        return readsRoutes ? { id: worker.id, routes: this.registry.routes() } : { id: worker.id };
    }

    /**
     * Takes a worker's report; undefined when the id is unknown (the worker must register again). `key`:
     * the request's `x-jitar-trust-key`, which a gateway with a key requires, as for registering;
     * `readsRoutes` as for register.
     */
    report(id: string, body: unknown, key: unknown, readsRoutes = true): { routes?: RoutingTable } | undefined
    {
        if (!this.trusts(key)) throw new Unauthorized('Request not trusted');
        const state = readState(body);
        if (!this.registry.report(id, state)) return undefined;
        return readsRoutes ? { routes: this.registry.routes() } : {};
    }

    /** Removes a worker; false when the id is unknown. `key` as for report. */
    deregister(id: string, key: unknown): boolean
    {
        if (!this.trusts(key)) throw new Unauthorized('Request not trusted');
        return this.registry.deregister(id);
    }

    /** Whether `key` opens what only trusted callers may do (the worker API, the worker list); anyone, without a trust key. */
    trusts(key: unknown): boolean
    {
        return this.#trustKey === undefined || sameTrustKey(this.#trustKey, key);
    }

    /**
     * Sends an RPC request for `fqn` to an available worker that serves the version it asks for (by the
     * rule a worker applies); throws when none can take it. An invalid version goes to any worker, which
     * answers it with its 400.
     */
    async forward(fqn: string, request: HttpRequest): Promise<HttpAnswer>
    {
        const version = parseVersion(requestHeader(request.headers, VERSION_HEADER));
        const route = version === undefined ? fqn : this.registry.routeFor(fqn, version);
        // Made only when a worker refuses: most requests need none.
        let refused: Set<string> | undefined;
        for (;;)
        {
            const worker: RegisteredWorker | undefined = this.registry.pick(route, refused);
            if (worker === undefined) throw this.#noWorker(fqn, version, request);
            try
            {
                return await this.#client.send(worker.url, request);
            }
            catch (error)
            {
                // A worker that let a call time out is hung or overloaded: waiting for its missed reports
                // would make each call it is given wait the full timeout too. The call itself may have
                // run there, so it is answered with the timeout, not retried.
                if (error instanceof RemoteCallTimedOut) this.registry.markUnreachable(worker.id);
                if (!(error instanceof ConnectionRefused)) throw error;
                this.registry.markUnreachable(worker.id);
                (refused ??= new Set()).add(worker.id);
            }
        }
    }

    /**
     * Why no worker takes a call: its version is not served (404 naming those that are), none is available
     * (503), none has registered yet for a name that is expected (503), or none serves the FQN (404).
     */
    #noWorker(fqn: string, version: string | undefined, request: HttpRequest): Error
    {
        if (version !== undefined)
        {
            const versions = this.registry.versionsServed(fqn) ?? [];
            if (versions.length > 0 && !versions.some(served => compareVersions(served, version) <= 0))
            {
                return new ProcedureNotFound(fqn, version, { versions, header: requestHeader(request.headers, VERSION_HEADER) });
            }
        }
        if (this.registry.knows(fqn)) return new WorkerUnavailable(fqn);
        if (this.#expects(fqn)) return new NoWorkerYet(fqn);
        return new ProcedureNotFound(fqn, version ?? '0.0.0', undefined, nearProcedureName(fqn, this.registry.list().flatMap(worker => worker.procedureNames)));
    }

    /**
     * Whether a worker may yet come for `fqn`: the build lists it, or (without a build to ask) the
     * gateway started so recently that its workers may not have registered again yet.
     */
    #expects(fqn: string): boolean
    {
        const { expected } = this.#options;
        if (expected !== undefined) return expected.has(fqn);
        return this.#options.now() - this.#startedAt <= this.#options.gracePeriod;
    }
}

/** What tells a procedure no worker serves yet (503) from one that does not exist (404). */
export interface GatewayOptions
{
    /** The public and protected FQNs of the app's build, when the gateway found one: 503 until a worker serves them. */
    expected: ReadonlySet<string> | undefined;
    /** Without a build: how long after the gateway's start any FQN counts as expected (ms). */
    gracePeriod: number;
    now: () => number;
}

const OPEN_GATEWAY = 'This gateway has no trust key, so any process may register at it as a worker and be sent calls, with their headers; '
    + 'a worker with a trust key is refused here, so that its key and its callers\' headers do not pass through it. Give the gateway the same trustKey';

interface Registration
{
    url: string;
    procedureNames: string[];
    /** Ours: the versions too, so that the gateway routes each version to the workers that serve it. */
    procedures: { fqn: string; version: string }[];
    trustKey: string | undefined;
    state: WorkerState;
}

const REGISTRATION_KEYS = new Set(['url', 'procedureNames', 'procedures', 'trustKey', 'state']);

function readRegistration(body: unknown): Registration
{
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('A registration must be a JSON object with url and procedureNames');
    const fields = body as Record<string, unknown>;
    const unknown = Object.keys(fields).find(key => !REGISTRATION_KEYS.has(key));
    if (unknown !== undefined) throw new BadRequest(`Unknown registration key '${unknown}'; known keys are url, procedureNames, procedures, trustKey, state`);

    const { url, procedureNames, procedures, trustKey, state } = fields;
    if (typeof url !== 'string' || !isHttpUrl(url)) throw new BadRequest(`Invalid registration key 'url': must be an http(s) URL, not ${JSON.stringify(url) ?? 'nothing'}`);
    if (!Array.isArray(procedureNames) || !procedureNames.every(name => typeof name === 'string' && name !== ''))
    {
        throw new BadRequest('Invalid registration key \'procedureNames\': must be an array of procedure names');
    }
    if (procedures !== undefined && !(Array.isArray(procedures) && procedures.every(isVersionedProcedure)))
    {
        throw new BadRequest('Invalid registration key \'procedures\': must be an array of {fqn, version} with versions like 1.2.3');
    }
    if (trustKey !== undefined && typeof trustKey !== 'string') throw new BadRequest('Invalid registration key \'trustKey\': must be a string');
    if (state !== undefined && !isWorkerState(state)) throw new BadRequest(`Invalid registration key 'state': must be one of starting, available, unavailable, stopping, stopped`);
    return { url: new URL(url).origin, procedureNames: procedureNames as string[], procedures: (procedures ?? []) as Registration['procedures'], trustKey, state: state ?? 'available' };
}

function isVersionedProcedure(value: unknown): boolean
{
    if (value === null || typeof value !== 'object') return false;
    const { fqn, version } = value as Record<string, unknown>;
    return typeof fqn === 'string' && fqn !== '' && typeof version === 'string' && parseVersion(version) === version;
}

function readState(body: unknown): WorkerState
{
    const state = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).state : undefined;
    if (!isWorkerState(state)) throw new BadRequest('A report must be a JSON object with a state: starting, available, unavailable, stopping or stopped');
    return state;
}

function isHttpUrl(text: string): boolean
{
    try
    {
        const url = new URL(text);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && url.search === '' && url.hash === '';
    }
    catch
    {
        return false;
    }
}
