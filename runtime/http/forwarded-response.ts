import type { HttpAnswer } from '../transport/transport.js';
import { Response } from '../middleware/response.js';
import { decodeAnswer, errorWithStatus } from '../rpc/remote-call.js';
import type { ValueCodec } from '../serialization/codec.js';
import { encodeAnswer } from '../rpc/result-encoding.js';
import { answerHeaders, deserializeBuiltIns } from './forwarding.js';

/** Values as they travel: a forwarding process rebuilds none of the app's classes. */
const WIRE: ValueCodec = { serialize: value => value, deserialize: value => value };

/**
 * The answer to a forwarded RPC request, as the forwarding process's middleware sees it: the Response of
 * a worker's middleware, with the answer's status and headers. The result is decoded from the body only
 * when middleware reads it: by its jitar content type, JSON in wire form (serialized form for a caller
 * that asked for it); a failure is an Error with the answer's message (rebuilt as its class when it is
 * one of jitar's or a built-in one).
 *
 * The answer goes back with the status and headers middleware left, and with its body as it came unless
 * middleware assigned a new result, or read a result object that it may have changed in place.
 */
export class ForwardedResponse extends Response
{
    readonly #answer: HttpAnswer;
    #result: unknown;
    #state: 'unread' | 'read' | 'assigned' = 'unread';

    constructor(answer: HttpAnswer)
    {
        super(answer.status, undefined);
        this.#answer = answer;
        const headers = answerHeaders(answer.headers, false);
        for (const name in headers)
        {
            const value = headers[name];
            this.setHeader(name, typeof value === 'string' ? value : value.join(', '));
        }
    }

    override get result(): unknown
    {
        if (this.#state === 'unread')
        {
            this.#result = decodeResult(this.#answer);
            this.#state = 'read';
        }
        return this.#result;
    }

    override set result(value: unknown)
    {
        this.#result = value;
        this.#state = 'assigned';
    }

    /** The answer to send back; `serialize` encodes what middleware assigned, as for any Response. */
    toAnswer(serialize: ((value: unknown) => unknown) | undefined): HttpAnswer
    {
        const headers: HttpAnswer['headers'] = this.headers;
        const changed = this.#state === 'assigned' || (this.#state === 'read' && this.status < 400 && typeof this.#result === 'object' && this.#result !== null);
        if (changed)
        {
            const encoded = encodeAnswer(this.status, this.#result, this.headers, serialize);
            return { status: encoded.status, headers: encoded.headers, body: Buffer.from(encoded.body) };
        }
        // Headers the answer repeated (set-cookie) were joined for middleware; those it left alone go back as they came.
        for (const name in headers)
        {
            const original = this.#answer.headers[name];
            if (Array.isArray(original) && original.join(', ') === headers[name]) headers[name] = original;
        }
        return { status: this.status, headers, body: this.#answer.body };
    }
}

function decodeResult(answer: HttpAnswer): unknown
{
    const jitarContentType = headerValue(answer.headers['x-jitar-content-type']);
    const body = answer.body.toString('utf8');
    if (answer.status >= 400) return decodeFailure(answer.status, jitarContentType, body);
    try
    {
        return decodeAnswer({ status: answer.status, jitarContentType, body }, WIRE);
    }
    catch
    {
        // Not a jitar answer (a redirect, say): its body as text.
        return body;
    }
}

function decodeFailure(status: number, jitarContentType: string | undefined, body: string): Error
{
    const serialized = jitarContentType === 'application/json' ? parseJson(body) : undefined;
    if (serialized !== undefined)
    {
        try
        {
            const error = deserializeBuiltIns(serialized);
            if (error instanceof Error) return error;
        }
        catch
        {
            // An error of the app's classes, which this process does not hold: its message below.
        }
        const message = typeof serialized === 'object' && serialized !== null ? (serialized as { message?: unknown }).message : undefined;
        if (typeof message === 'string') return errorWithStatus(status, message);
    }
    return errorWithStatus(status, body === '' ? `Remote call failed with status ${status}` : body);
}

function parseJson(body: string): unknown
{
    try
    {
        return JSON.parse(body) as unknown;
    }
    catch
    {
        return undefined;
    }
}

function headerValue(value: string | string[] | undefined): string | undefined
{
    return Array.isArray(value) ? value[0] : value;
}
