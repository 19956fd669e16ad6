/** What a worker reports about itself (the reference runtime's states). */
export const WORKER_STATES = ['starting', 'available', 'unavailable', 'stopping', 'stopped'] as const;

export type WorkerState = typeof WORKER_STATES[number];

export function isWorkerState(value: unknown): value is WorkerState
{
    return typeof value === 'string' && (WORKER_STATES as readonly string[]).includes(value);
}

/** Where each procedure is served: FQN to the URLs of the available workers that serve it. */
export type RoutingTable = Record<string, string[]>;
