/**
 * Round robin per key (an FQN): each pick takes the candidate after the one picked last time for that
 * key, so that every key spreads evenly over its own candidates, whatever other keys do.
 */
export class RoundRobin
{
    readonly #next = new Map<string, number>();

    pick<T>(key: string, candidates: readonly T[]): T | undefined
    {
        if (candidates.length === 0) return undefined;
        const index = (this.#next.get(key) ?? 0) % candidates.length;
        this.#next.set(key, index + 1);
        return candidates[index];
    }
}
