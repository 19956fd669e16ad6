import { InFlight } from '../channel/in-flight.js';
import { ProcedureTimedOut } from '../errors.js';

interface Watched
{
    /** The sweep at which the call is past its limit. */
    due: number;
    fqn: string;
    late: (error: ProcedureTimedOut) => void;
}

/**
 * The procedure-level timeout of a service: a call not settled within `limit` ms is answered 504. A
 * running function cannot be cancelled: past the limit its promise is abandoned, and whatever it settles
 * to later is dropped (the handlers attached here keep a late rejection from counting as unhandled).
 *
 * One timer serves every call, sweeping a tenth of the limit apart (at most once a second), and calls
 * are kept in slots rather than a Map: a timer and a promise more per call cost a standalone 7-10% of
 * its requests per second (bench/rpc). A call is answered within a sweep of its limit.
 */
export class ProcedureDeadlines
{
    readonly #limit: number;
    readonly #period: number;
    readonly #watched = new InFlight<Watched>();
    #sweeps = 0;
    #timer: NodeJS.Timeout | undefined;

    constructor(limit: number)
    {
        this.#limit = limit;
        this.#period = Math.max(1, Math.min(1000, Math.floor(limit / 10)));
    }

    /**
     * Gives `running`'s result to `settled`, or its error to `failed`; or, when the limit passes first,
     * ProcedureTimedOut to `failed`, and nothing after. Callbacks, not a promise: one call, one promise.
     */
    watch<T>(running: Promise<T>, fqn: string, settled: (result: T) => void, failed: (error: unknown) => void): void
    {
        // Sweeps to wait: the limit, rounded up, plus the one under way.
        const id = this.#watched.add({ due: this.#sweeps + Math.ceil(this.#limit / this.#period) + 1, fqn, late: failed });
        this.#timer ??= this.#start();
        running.then(
            result => { if (this.#watched.take(id) !== undefined) settled(result); },
            (error: unknown) => { if (this.#watched.take(id) !== undefined) failed(error); });
    }

    /** `running`'s outcome as a promise, for callers off the hot path. */
    race<T>(running: Promise<T>, fqn: string): Promise<T>
    {
        return new Promise((resolve, reject) => this.watch(running, fqn, resolve, reject));
    }

    #start(): NodeJS.Timeout
    {
        const timer = setInterval(() => this.#sweep(), this.#period);
        // Watching calls must not keep a process alive that has nothing else to do.
        timer.unref();
        return timer;
    }

    #sweep(): void
    {
        this.#sweeps++;
        if (this.#watched.size === 0) return;
        for (const id of this.#watched.ids())
        {
            const watched = this.#watched.get(id);
            if (watched === undefined || watched.due > this.#sweeps) continue;
            this.#watched.take(id);
            watched.late(new ProcedureTimedOut(watched.fqn, this.#limit));
        }
    }
}
