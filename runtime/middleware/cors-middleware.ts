import type { Middleware, NextHandler } from './middleware.js';
import type { Request } from './request.js';
import type { Response } from './response.js';

/**
 * Jitar's CORS middleware, as its documentation describes it: adds the CORS headers to every RPC answer, preflight answers included.
 * One origin or `*`; headers as a comma-separated list or `*`. RPC takes GET and POST.
 */
export class CorsMiddleware implements Middleware
{
    readonly #origin: string;
    readonly #headers: string;

    constructor(origin = '*', headers = '*')
    {
        this.#origin = origin;
        this.#headers = headers;
    }

    async handle(_request: Request, next: NextHandler): Promise<Response>
    {
        const response = await next();
        response.setHeader('access-control-allow-origin', this.#origin);
        response.setHeader('access-control-allow-methods', 'GET, POST');
        response.setHeader('access-control-allow-headers', this.#headers);
        if (this.#origin !== '*') response.setHeader('vary', 'Origin');
        return response;
    }
}
