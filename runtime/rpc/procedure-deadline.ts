import { ProcedureTimedOut } from '../errors.js';

/**
 * A procedure's result, or ProcedureTimedOut (504) when it takes longer than `limit` ms. A running
 * function cannot be cancelled: past the limit its promise is abandoned, and whatever it settles to later
 * is dropped (the handlers attached here keep a late rejection from counting as unhandled).
 */
export function withDeadline<T>(running: Promise<T>, fqn: string, limit: number): Promise<T>
{
    return new Promise((resolve, reject) =>
    {
        const timer = setTimeout(() => reject(new ProcedureTimedOut(fqn, limit)), limit);
        running.then(
            result => { clearTimeout(timer); resolve(result); },
            (error: unknown) => { clearTimeout(timer); reject(error); });
    });
}
