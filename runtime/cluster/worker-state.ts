/** What a worker reports about itself (the reference runtime's states). */
export const WORKER_STATES = ['starting', 'available', 'unavailable', 'stopping', 'stopped'] as const;

export type WorkerState = typeof WORKER_STATES[number];

export function isWorkerState(value: unknown): value is WorkerState
{
    return typeof value === 'string' && (WORKER_STATES as readonly string[]).includes(value);
}

/**
 * Where each procedure is served: route to the URLs of the available workers that serve it. A route is
 * `fqn@version` (a worker that said its versions) or the FQN alone (any version).
 */
export type RoutingTable = Record<string, string[]>;

/** The route of one version of a procedure. */
export function routeKey(fqn: string, version: string): string
{
    return `${fqn}@${version}`;
}
