import { AsyncLocalStorage } from 'node:async_hooks';

import { CONNECTION_HEADERS } from '../transport/hop-headers.js';
import type { RequestHeaders } from '../middleware/request.js';

/**
 * The headers of the RPC request a procedure runs for, kept while it runs, so that the calls it makes to
 * other workers carry them too (an authorization header that middleware there relies on, say). Headers
 * that describe one hop (connection, body, encoding) or that jitar sets per call stay behind.
 */
const storage = new AsyncLocalStorage<Record<string, string>>();

const PER_HOP: ReadonlySet<string> = new Set([...CONNECTION_HEADERS, 'content-type', 'content-encoding', 'accept-encoding', 'expect']);

export function runWithHeaders<T>(headers: RequestHeaders, run: () => Promise<T>): Promise<T>
{
    const forwarded = forwardable(headers);
    // Nothing to carry: no context is made, which spares every promise of the call the cost of one
    // (on Node 20 an active AsyncLocalStorage slows all promises down), unless an outer one is there.
    if (forwarded === undefined && storage.getStore() === undefined) return run();
    return storage.run(forwarded ?? {}, run);
}

/** The headers to send along with a call made now; empty outside a request. */
export function forwardedHeaders(): Readonly<Record<string, string>>
{
    return storage.getStore() ?? {};
}

/** The headers worth passing on, or undefined when there are none. */
function forwardable(headers: RequestHeaders): Record<string, string> | undefined
{
    let result: Record<string, string> | undefined;
    for (const name in headers)
    {
        const value = headers[name];
        if (value === undefined || PER_HOP.has(name) || name.startsWith('x-jitar-')) continue;
        result ??= {};
        result[name] = typeof value === 'string' ? value : value.join(', ');
    }
    return result;
}
