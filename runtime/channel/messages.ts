import type { HttpRequest } from '../transport/transport.js';
import { ANSWER, encodeFrame, GOING_AWAY, pushHeaders, REQUEST, type Frame } from './frames.js';

/**
 * The messages a channel carries, in frames (frames.ts): a request is an HTTP request in all but
 * transport, its head `[method, path, name, value, ...]`; an answer's head is `[status, name, value, ...]`;
 * a going-away frame has none.
 */

/** A request that came over a channel. */
export interface ChannelRequest
{
    method: string;
    /** Path and query string. */
    path: string;
    /** Names as sent, then values, as Node's rawHeaders. */
    rawHeaders: string[];
    body: Buffer;
}

export interface ChannelAnswer
{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string | Buffer;
}

/** Answers a request; rejects only for a fault of the server (answered 500 and logged). */
export type ChannelRequestHandler = (request: ChannelRequest) => Promise<ChannelAnswer>;

/** A plain-text answer, as the channel's own refusals are. */
export function text(status: number, message: string): ChannelAnswer
{
    return { status, headers: { 'content-type': 'text/plain' }, body: message };
}

export function requestFrame(id: number, request: HttpRequest): Buffer
{
    const { method, path, headers, body } = request;
    const head = Array.isArray(headers) ? [method, path, ...headers] : pushHeaders([method, path], headers);
    return encodeFrame(REQUEST, id, head, body);
}

/** The request a request frame carries, or undefined when its head is not a method, a path and header pairs. */
export function readRequest(frame: Frame): ChannelRequest | undefined
{
    const [method, path] = frame.head;
    if (path === undefined || frame.head.length % 2 !== 0) return undefined;
    return { method, path, rawHeaders: frame.head.slice(2), body: frame.body };
}

export function answerFrame(id: number, answer: ChannelAnswer): Buffer
{
    return encodeFrame(ANSWER, id, pushHeaders([String(answer.status)], answer.headers), answer.body);
}

/** From the serving side: it stops, or found the channel idle; the caller sends no more on it. */
export function goingAwayFrame(): Buffer
{
    return encodeFrame(GOING_AWAY, 0, [], undefined);
}

/** An HTTP token (RFC 9110), as a header name must be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What Node refuses in a header value: control characters other than tab (CR and LF among them). */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

export interface AnswerHead
{
    status: number;
    headers: Record<string, string>;
}

/**
 * The status and headers of an answer frame's head, or a sentence saying what is wrong with them. The
 * caller's server may pass them on to its own client, and Node's `writeHead` throws on what HTTP cannot
 * carry: an answer from a faulty or hostile peer is checked here, where it arrives, and refused as that
 * call's failure.
 */
export function readAnswerHead(head: readonly string[]): AnswerHead | string
{
    const status = head[0];
    if (status === undefined || !/^[1-5]\d\d$/.test(status) || Number(status) < 200) return `status ${JSON.stringify(status?.slice(0, 16) ?? null)} is not an HTTP status of a final answer`;
    if (head.length % 2 === 0) return 'its headers are not pairs of name and value';
    const headers: Record<string, string> = {};
    for (let index = 1; index < head.length; index += 2)
    {
        const name = head[index];
        if (!TOKEN.test(name)) return `header name ${JSON.stringify(name.slice(0, 64))} is not a valid HTTP header name`;
        if (INVALID_VALUE.test(head[index + 1])) return `the value of header '${name.slice(0, 64)}' holds characters HTTP cannot carry (such as CR or LF)`;
        headers[name.toLowerCase()] = head[index + 1];
    }
    return { status: Number(status), headers };
}
