/** An answer as HTTP carries it: the body and its two content types (COMPAT's result table). */
export interface EncodedResult
{
    contentType: string;
    /** The logical type of the result, for Jitar clients. */
    jitarContentType: string;
    body: string;
}

/** Text with its charset, as the reference sends it: a client that assumes Latin-1 otherwise reads `Jöhn` wrong. */
const TEXT = 'text/plain; charset=utf-8';

/**
 * Encodes a procedure's result. Objects go out as JSON, in serialized form when the caller asked for it;
 * a BigInt becomes its decimal string instead of making JSON.stringify throw.
 */
export function encodeResult(result: unknown, serialize: ((value: unknown) => unknown) | undefined): EncodedResult
{
    switch (typeof result)
    {
        case 'string': return { contentType: TEXT, jitarContentType: 'text/plain', body: result };
        case 'bigint': return serialize === undefined
            ? { contentType: TEXT, jitarContentType: 'text/plain', body: result.toString() }
            : json(serialize(result));
        case 'number': return { contentType: TEXT, jitarContentType: 'application/number', body: String(result) };
        case 'boolean': return { contentType: TEXT, jitarContentType: 'application/boolean', body: String(result) };
        case 'undefined': return { contentType: TEXT, jitarContentType: 'application/undefined', body: '' };
        default:
            if (result === null) return { contentType: TEXT, jitarContentType: 'application/null', body: '' };
            return json(serialize === undefined ? result : serialize(result));
    }
}

/**
 * Encodes a thrown error: its message as text, or the error in serialized form for a caller that reads
 * serialized answers (another worker), so that it arrives there as its class.
 */
export function encodeFailure(error: Error, serialize: ((value: unknown) => unknown) | undefined): EncodedResult
{
    return serialize === undefined ? { contentType: TEXT, jitarContentType: 'text/plain', body: error.message } : encodeResult(error, serialize);
}

/** An answer as a service sends it: status, headers and body. */
export interface EncodedAnswer
{
    status: number;
    headers: Record<string, string>;
    body: string;
}

/**
 * A middleware Response's status and result as an answer, as every service makes it: a `location` header
 * redirects (302), a 204 has no body, an Error with a failing status is a failure. `headers` is the
 * answer's own object, completed here with the content types.
 */
export function encodeAnswer(status: number, result: unknown, headers: Record<string, string>, serialize: ((value: unknown) => unknown) | undefined): EncodedAnswer
{
    // As the reference sets it on every answer: a browser must not take a text result for HTML.
    headers['x-content-type-options'] = 'nosniff';
    if (headers.location !== undefined) return { status: 302, headers, body: '' };
    if (status === 204) return { status: 204, headers, body: '' };
    const encoded = status >= 400 && result instanceof Error ? encodeFailure(result, serialize) : encodeResult(result, serialize);
    headers['content-type'] = encoded.contentType;
    headers['x-jitar-content-type'] = encoded.jitarContentType;
    return { status, headers, body: encoded.body };
}

function json(value: unknown): EncodedResult
{
    const body = JSON.stringify(value, (_key, item: unknown) => typeof item === 'bigint' ? item.toString() : item) ?? '';
    // With its charset, as Fastify would complete it: answers read the same however they travelled.
    return { contentType: 'application/json; charset=utf-8', jitarContentType: 'application/json', body };
}
