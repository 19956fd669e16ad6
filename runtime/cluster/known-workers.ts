import { RoundRobin } from './balancer.js';
import { routeKey, type RoutingTable } from './worker-state.js';

/**
 * A worker's copy of its gateway's routing table, for calling other workers directly: one hop instead of
 * two through the gateway. It is replaced by every answer of the gateway, and a worker that refuses a
 * connection is forgotten at once, until the gateway lists it again.
 */
export class KnownWorkers
{
    readonly #self: string;
    readonly #balancer = new RoundRobin();
    #routes = new Map<string, string[]>();

    /** `self`: this worker's own URL, never called over the network. */
    constructor(self: string)
    {
        this.#self = self;
    }

    update(table: RoutingTable): void
    {
        const routes = new Map<string, string[]>();
        for (const [fqn, urls] of Object.entries(table))
        {
            if (!Array.isArray(urls)) continue;
            const others = urls.filter(url => typeof url === 'string' && url !== this.#self);
            if (others.length > 0) routes.set(fqn, others);
        }
        this.#routes = routes;
    }

    /** A worker that serves exactly this version, round robin; undefined when none is known (ask the gateway). */
    pick(fqn: string, version: string, except?: ReadonlySet<string>): string | undefined
    {
        const route = routeKey(fqn, version);
        const urls = this.#routes.get(route);
        if (urls === undefined) return undefined;
        return this.#balancer.pick(route, except === undefined || except.size === 0 ? urls : urls.filter(url => !except.has(url)));
    }

    forget(url: string): void
    {
        for (const [fqn, urls] of this.#routes)
        {
            const left = urls.filter(candidate => candidate !== url);
            if (left.length === 0) this.#routes.delete(fqn);
            else this.#routes.set(fqn, left);
        }
    }
}
