import { AsyncLocalStorage } from 'node:async_hooks';

import type { RequestHeaders } from '../middleware/request.js';

/**
 * The headers of the RPC request a procedure runs for, kept while it runs, so that the calls it makes to
 * other workers carry them too (an authorization header that middleware there relies on, say). Headers
 * that describe one hop (connection, body, encoding) or that jitar sets per call stay behind.
 */
const storage = new AsyncLocalStorage<Record<string, string>>();

const PER_HOP = new Set([
    'host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade',
    'content-length', 'content-type', 'content-encoding', 'accept-encoding', 'expect'
]);

export function runWithHeaders<T>(headers: RequestHeaders, run: () => Promise<T>): Promise<T>
{
    return storage.run(forwardable(headers), run);
}

/** The headers to send along with a call made now; empty outside a request. */
export function forwardedHeaders(): Readonly<Record<string, string>>
{
    return storage.getStore() ?? {};
}

function forwardable(headers: RequestHeaders): Record<string, string>
{
    const result: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers))
    {
        if (value === undefined || PER_HOP.has(name) || name.startsWith('x-jitar-')) continue;
        result[name] = typeof value === 'string' ? value : value.join(', ');
    }
    return result;
}
