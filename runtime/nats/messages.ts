import { readAnswerHead } from '../channel/messages.js';

/**
 * What travels in a NATS message: exactly what an HTTP request or answer carries, so that a worker
 * answers a request from NATS as it answers one over HTTP (rpc-request.ts translates both). A message is
 *
 *     u32 head length · head (JSON array of strings) · body
 *
 * with the head `[method, path, name, value, ...]` of a request, `[status, name, value, ...]` of an
 * answer, as the frames of a channel have them (runtime/channel/frames.ts).
 */

export interface NatsRequest
{
    method: string;
    /** Path and query string. */
    path: string;
    /** Names as sent, then values, as Node's rawHeaders. */
    rawHeaders: string[];
    body: Buffer;
}

export interface NatsAnswer
{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string | Buffer;
}

/** A message that is not one of ours. */
export class MessageError extends Error {}

export function encodeRequest(method: string, path: string, headers: Readonly<Record<string, string | readonly string[]>> | readonly string[], body: string | Buffer | undefined): Uint8Array
{
    const head = [method, path];
    if (isList(headers)) head.push(...headers);
    else pushHeaders(head, headers);
    return encode(head, body);
}

export function decodeRequest(bytes: Uint8Array): NatsRequest
{
    const { head, body } = decode(bytes);
    if (head.length < 2 || head.length % 2 !== 0) throw new MessageError('A request head must be method, path, then pairs of header name and value');
    return { method: head[0], path: head[1], rawHeaders: head.slice(2), body };
}

export function encodeAnswer(answer: NatsAnswer): Uint8Array
{
    return encode(pushHeaders([String(answer.status)], answer.headers), answer.body);
}

/** The answer, or a sentence saying why it cannot be passed on. */
export function decodeAnswer(bytes: Uint8Array): { status: number; headers: Record<string, string>; body: Buffer } | string
{
    let message: { head: string[]; body: Buffer };
    try
    {
        message = decode(bytes);
    }
    catch (error)
    {
        return error instanceof MessageError ? error.message : String(error);
    }
    const head = readAnswerHead(message.head);
    if (typeof head === 'string') return head;
    return { ...head, body: message.body };
}

function pushHeaders(head: string[], headers: Readonly<Record<string, string | readonly string[] | undefined>>): string[]
{
    for (const name in headers)
    {
        const value = headers[name];
        if (typeof value === 'string') head.push(name, value);
        else if (value !== undefined) for (const item of value) head.push(name, item);
    }
    return head;
}

function encode(head: readonly string[], body: string | Buffer | undefined): Uint8Array
{
    const headText = JSON.stringify(head);
    const headLength = Buffer.byteLength(headText);
    const bodyLength = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const bytes = Buffer.allocUnsafe(4 + headLength + bodyLength);
    bytes.writeUInt32BE(headLength, 0);
    bytes.write(headText, 4, 'utf8');
    if (typeof body === 'string') bytes.write(body, 4 + headLength, 'utf8');
    else if (body !== undefined) body.copy(bytes, 4 + headLength);
    return bytes;
}

function decode(data: Uint8Array): { head: string[]; body: Buffer }
{
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.length < 4) throw new MessageError('message too short');
    const headLength = bytes.readUInt32BE(0);
    if (4 + headLength > bytes.length) throw new MessageError('message head longer than the message');
    let head: unknown;
    try
    {
        head = JSON.parse(bytes.toString('utf8', 4, 4 + headLength));
    }
    catch
    {
        throw new MessageError('message head is not JSON');
    }
    if (!Array.isArray(head) || !head.every(item => typeof item === 'string')) throw new MessageError('message head must be an array of strings');
    return { head: head as string[], body: bytes.subarray(4 + headLength) };
}

const isList = (headers: Readonly<Record<string, string | readonly string[]>> | readonly string[]): headers is readonly string[] => Array.isArray(headers);
