import type { HttpRequest } from './transport.js';

/**
 * Reading headers in the shapes they travel in: Node's raw list (names as sent, then values), which costs
 * nothing to pass on, and by lower-cased name, which middleware and the RPC handler read.
 */

/** A header's value from Node's raw list (names as sent, values in order), `name` in lower case. */
export function rawHeader(raw: readonly string[], name: string): string | undefined
{
    for (let index = 0; index < raw.length; index += 2)
    {
        const candidate = raw[index];
        if (candidate.length === name.length && candidate.toLowerCase() === name) return raw[index + 1];
    }
    return undefined;
}

/** A request header's (first) value, whichever shape the headers have; `name` in lower case. */
export function requestHeader(headers: HttpRequest['headers'], name: string): string | undefined
{
    if (!Array.isArray(headers))
    {
        const value = headers[name];
        return Array.isArray(value) ? value[0] : value;
    }
    return rawHeader(headers, name);
}

/** Headers of which Node keeps the first when a request repeats them. */
const SINGLE_HEADERS: ReadonlySet<string> = new Set([
    'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since', 'if-unmodified-since',
    'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent'
]);

/** Headers by lower-cased name from Node's raw list; repeated ones as Node's IncomingMessage has them. */
export function headersOf(raw: readonly string[]): Record<string, string | string[]>
{
    const headers: Record<string, string | string[]> = {};
    for (let index = 0; index < raw.length; index += 2)
    {
        const name = raw[index].toLowerCase();
        const value = raw[index + 1];
        const existing = headers[name];
        if (existing === undefined) headers[name] = name === 'set-cookie' ? [value] : value;
        else if (Array.isArray(existing)) existing.push(value);
        else if (!SINGLE_HEADERS.has(name)) headers[name] = name === 'cookie' ? `${existing}; ${value}` : `${existing}, ${value}`;
    }
    return headers;
}
