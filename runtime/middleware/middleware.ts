import type { Request } from './request.js';
import type { Response } from './response.js';

export type NextHandler = () => Promise<Response>;

/** A middleware module's default export: `handle` runs around the rest of the chain, which `next` runs. */
export interface Middleware
{
    handle(request: Request, next: NextHandler): Promise<Response>;
}

/** Runs the chain in registration order around `last`. */
export function runChain(middleware: readonly Middleware[], request: Request, last: () => Promise<Response>): Promise<Response>
{
    const step = (index: number): Promise<Response> =>
        index === middleware.length ? last() : middleware[index].handle(request, () => step(index + 1));
    return step(0);
}

export function isMiddleware(value: unknown): value is Middleware
{
    return typeof value === 'object' && value !== null && typeof (value as Middleware).handle === 'function';
}
