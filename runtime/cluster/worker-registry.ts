import { randomUUID } from 'node:crypto';

import { compareVersions } from '../procedure-versions.js';
import { RoundRobin } from './balancer.js';
import { routeKey, type RoutingTable, type WorkerState } from './worker-state.js';

/**
 * A gateway's knowledge of its workers: who serves which procedures, in what state, and when each last
 * reported. A worker that stays silent past `unavailableThreshold` gets no more traffic; past
 * `stoppedThreshold` it is forgotten. Only available workers are picked, round robin per FQN.
 */

export interface RegisteredWorker
{
    readonly id: string;
    readonly url: string;
    readonly procedureNames: readonly string[];
    /** The versions it serves per FQN, when it said (ours; Jitar's workers say only the names). */
    readonly versions: ReadonlyMap<string, readonly string[]>;
    state: WorkerState;
    /** When it registered or last reported (ms since the epoch). */
    lastReport: number;
}

export interface Thresholds
{
    unavailableThreshold: number;
    stoppedThreshold: number;
}

export class WorkerRegistry
{
    readonly #workers = new Map<string, RegisteredWorker>();
    readonly #thresholds: Thresholds;
    readonly #now: () => number;
    readonly #balancer = new RoundRobin();
    /** Available workers per FQN, rebuilt after any change (picks far outnumber changes). */
    #available: Map<string, RegisteredWorker[]> | undefined;
    /** The route chosen per FQN and requested version, kept until the next change (asked on every forward). */
    #routes = new Map<string, Map<string, string>>();

    constructor(thresholds: Thresholds, now: () => number = Date.now)
    {
        this.#thresholds = thresholds;
        this.#now = now;
    }

    /** A worker that registers again at the same URL (it restarted) replaces its former self. */
    register(url: string, procedureNames: readonly string[], state: WorkerState = 'available', procedures: readonly { fqn: string; version: string }[] = []): RegisteredWorker
    {
        const versions = new Map<string, string[]>();
        for (const { fqn, version } of procedures) versions.set(fqn, [...versions.get(fqn) ?? [], version]);
        for (const worker of this.#workers.values())
        {
            if (worker.url === url) this.#workers.delete(worker.id);
        }
        const names = new Set([...procedureNames, ...versions.keys()]);
        const worker: RegisteredWorker = { id: randomUUID(), url, procedureNames: [...names], versions, state, lastReport: this.#now() };
        this.#workers.set(worker.id, worker);
        this.#changed();
        return worker;
    }

    /** False when the id is unknown (the gateway restarted, or forgot the worker): it must register again. */
    report(id: string, state: WorkerState): boolean
    {
        const worker = this.#workers.get(id);
        if (worker === undefined) return false;
        worker.lastReport = this.#now();
        if (state === 'stopped')
        {
            this.#workers.delete(id);
        }
        else if (worker.state !== state)
        {
            worker.state = state;
        }
        this.#changed();
        return true;
    }

    deregister(id: string): boolean
    {
        const removed = this.#workers.delete(id);
        if (removed) this.#changed();
        return removed;
    }

    /** A worker that refused a connection gets no traffic until it reports again. */
    markUnreachable(id: string): void
    {
        const worker = this.#workers.get(id);
        if (worker === undefined || worker.state !== 'available') return;
        worker.state = 'unavailable';
        this.#changed();
    }

    /** Applies the thresholds to workers that stopped reporting; run every monitor interval. */
    monitor(): void
    {
        const now = this.#now();
        for (const worker of [...this.#workers.values()])
        {
            const silence = now - worker.lastReport;
            if (silence > this.#thresholds.stoppedThreshold) this.#workers.delete(worker.id);
            else if (silence > this.#thresholds.unavailableThreshold && worker.state === 'available') worker.state = 'unavailable';
            else continue;
            this.#changed();
        }
    }

    /**
     * The next available worker for a route (`fqn`, or `fqn@version` for the workers that serve that
     * version), round robin; `except` leaves out workers that just failed.
     */
    pick(route: string, except?: ReadonlySet<string>): RegisteredWorker | undefined
    {
        const candidates = this.#availableFor(route);
        if (except === undefined || except.size === 0) return this.#balancer.pick(route, candidates);
        return this.#balancer.pick(route, candidates.filter(worker => !except.has(worker.id)));
    }

    /**
     * The route for a call of `fqn` at `version`, by the rule a worker applies (that version, else the
     * greatest below it) over the versions the available workers serve; just `fqn` when not all of them
     * said theirs. When all did and none serves that version, it is `fqn@version`, which no worker is
     * picked for: the gateway answers the 404 itself, naming the versions there are (versionsServed).
     */
    routeFor(fqn: string, version: string): string
    {
        let byVersion = this.#routes.get(fqn);
        let route = byVersion?.get(version);
        if (route !== undefined) return route;
        route = this.#chooseRoute(fqn, version);
        // Names come from requests too: only those an available worker serves are kept, so that a client
        // asking for made-up names cannot grow this without bound (the next change clears it anyway).
        if (!this.#index().has(fqn)) return route;
        if (byVersion === undefined)
        {
            byVersion = new Map<string, string>();
            this.#routes.set(fqn, byVersion);
        }
        // Versions come from requests: a client sending many different ones must not grow this without bound.
        if (byVersion.size < 64) byVersion.set(version, route);
        return route;
    }

    /** Routes kept by routeFor, all versions counted: bounded by the procedures the available workers serve. */
    get cachedRoutes(): number
    {
        let count = 0;
        for (const byVersion of this.#routes.values()) count += byVersion.size;
        return count;
    }

    #chooseRoute(fqn: string, version: string): string
    {
        let chosen: string | undefined;
        const workers = this.#availableFor(fqn);
        for (const worker of workers)
        {
            for (const candidate of worker.versions.get(fqn) ?? [])
            {
                if (compareVersions(candidate, version) <= 0 && (chosen === undefined || compareVersions(candidate, chosen) > 0)) chosen = candidate;
            }
        }
        if (chosen !== undefined) return routeKey(fqn, chosen);
        const allSaid = workers.length > 0 && workers.every(worker => worker.versions.has(fqn));
        return allSaid ? routeKey(fqn, version) : fqn;
    }

    /**
     * The versions of `fqn` the available workers serve, ascending, when each of them said its versions
     * (a worker registers only those it exposes, never private ones); undefined when one did not.
     */
    versionsServed(fqn: string): string[] | undefined
    {
        const versions = new Set<string>();
        for (const worker of this.#availableFor(fqn))
        {
            const served = worker.versions.get(fqn);
            if (served === undefined) return undefined;
            for (const version of served) versions.add(version);
        }
        return [...versions].sort(compareVersions);
    }

    /** Whether any registered worker, available or not, serves `fqn`. */
    knows(fqn: string): boolean
    {
        for (const worker of this.#workers.values())
        {
            if (worker.procedureNames.includes(fqn)) return true;
        }
        return false;
    }

    /** The available workers by route (`fqn@version`, and `fqn`), for workers that call each other directly. */
    routes(): RoutingTable
    {
        const table: RoutingTable = {};
        for (const [fqn, workers] of this.#index()) table[fqn] = workers.map(worker => worker.url);
        return table;
    }

    list(): readonly RegisteredWorker[]
    {
        return [...this.#workers.values()];
    }

    #availableFor(fqn: string): RegisteredWorker[]
    {
        return this.#index().get(fqn) ?? [];
    }

    #index(): Map<string, RegisteredWorker[]>
    {
        if (this.#available !== undefined) return this.#available;
        const index = new Map<string, RegisteredWorker[]>();
        for (const worker of this.#workers.values())
        {
            if (worker.state !== 'available') continue;
            const routes = [...worker.procedureNames, ...[...worker.versions].flatMap(([fqn, versions]) => versions.map(version => routeKey(fqn, version)))];
            for (const route of routes)
            {
                const workers = index.get(route) ?? [];
                workers.push(worker);
                index.set(route, workers);
            }
        }
        this.#available = index;
        return index;
    }

    #changed(): void
    {
        this.#available = undefined;
        this.#routes.clear();
    }
}
