/**
 * The frames of a channel between two jitar processes: many RPC requests and answers on one connection,
 * told apart by id. A frame is
 *
 *     u32 length of the rest · u8 kind · u32 id · u32 head length · head (JSON array of strings) · body
 *
 * A request's head is `[method, path, name, value, ...]` with the HTTP request's headers; an answer's is
 * `[status, name, value, ...]`. Bodies are bytes, as over HTTP.
 */

export const REQUEST = 1;
export const ANSWER = 2;
/** From the serving side: it stops, and takes no more requests on this channel once the caller has seen this. */
export const GOING_AWAY = 3;

/** Bytes before the head: length, kind, id and head length. */
const PREFIX = 13;
/** Bytes of a frame that tell its length, kind and id. */
export const FRAME_START = 9;

export interface Frame
{
    kind: number;
    id: number;
    head: string[];
    body: Buffer;
}

/** A peer that breaks the protocol; the channel closes. */
export class ProtocolError extends Error {}

/** Adds headers to a frame's head as name and value pairs; a list of values makes a pair each. */
export function pushHeaders(head: string[], headers: Readonly<Record<string, string | readonly string[] | undefined>>): string[]
{
    for (const name in headers)
    {
        const value = headers[name];
        if (typeof value === 'string') head.push(name, value);
        else if (value !== undefined) for (const item of value) head.push(name, item);
    }
    return head;
}

export function encodeFrame(kind: number, id: number, head: readonly string[], body: string | Buffer | undefined): Buffer
{
    const headText = head.length === 0 ? '' : JSON.stringify(head);
    const headLength = Buffer.byteLength(headText);
    const bodyLength = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const frame = Buffer.allocUnsafe(PREFIX + headLength + bodyLength);
    frame.writeUInt32BE(frame.length - 4, 0);
    frame[4] = kind;
    frame.writeUInt32BE(id, 5);
    frame.writeUInt32BE(headLength, 9);
    frame.write(headText, PREFIX, 'utf8');
    if (typeof body === 'string') frame.write(body, PREFIX + headLength, 'utf8');
    else if (body !== undefined) body.copy(frame, PREFIX + headLength);
    return frame;
}

/** A whole frame's bytes (length prefix included) as a Frame. */
function decodeFrame(bytes: Buffer): Frame
{
    if (bytes.length < PREFIX) throw new ProtocolError('Frame too short');
    const headLength = bytes.readUInt32BE(9);
    if (PREFIX + headLength > bytes.length) throw new ProtocolError('Frame head longer than its frame');
    let head: unknown = [];
    if (headLength > 0)
    {
        try
        {
            head = JSON.parse(bytes.toString('utf8', PREFIX, PREFIX + headLength));
        }
        catch
        {
            throw new ProtocolError('Frame head is not JSON');
        }
    }
    if (!Array.isArray(head) || !head.every(item => typeof item === 'string')) throw new ProtocolError('Frame head must be an array of strings');
    return { kind: bytes[4], id: bytes.readUInt32BE(5), head: head as string[], body: bytes.subarray(PREFIX + headLength) };
}

/**
 * Cuts a byte stream into frames. Frames longer than `maxLength` are skipped unread, and reported by
 * kind and id so that the sender can be told (a request too large gets its 413; the channel goes on).
 * It also tells since when the frame it waits for has been coming (`incompleteSince`), so that a peer
 * that starts a frame and stops can be cut off.
 */
export class FrameReader
{
    #chunks: Buffer[] = [];
    #buffered = 0;
    /** Bytes of a skipped frame still to come. */
    #skipping = 0;
    /** Frames read or skipped so far: a push that changed it began a new frame. */
    #frames = 0;
    #incompleteSince: number | undefined;

    constructor(
        private readonly maxLength: number,
        private readonly onFrame: (frame: Frame) => void,
        private readonly onTooLarge: (kind: number, id: number) => void,
        private readonly now: () => number = Date.now)
    {}

    /** When the first bytes of the frame still incomplete came (ms, of `now`); undefined between frames. */
    get incompleteSince(): number | undefined
    {
        return this.#incompleteSince;
    }

    /** Throws ProtocolError for bytes that are no frames. */
    push(chunk: Buffer): void
    {
        const frames = this.#frames;
        this.#read(chunk);
        if (this.#buffered === 0 && this.#skipping === 0) this.#incompleteSince = undefined;
        else if (this.#incompleteSince === undefined || this.#frames !== frames) this.#incompleteSince = this.now();
    }

    #read(chunk: Buffer): void
    {
        if (this.#skipping > 0)
        {
            const skipped = Math.min(this.#skipping, chunk.length);
            this.#skipping -= skipped;
            if (this.#skipping === 0) this.#frames++;
            if (skipped === chunk.length) return;
            chunk = chunk.subarray(skipped);
        }
        this.#chunks.push(chunk);
        this.#buffered += chunk.length;

        while (this.#buffered >= FRAME_START)
        {
            const start = this.#first(FRAME_START);
            const length = start.readUInt32BE(0);
            if (length > this.maxLength)
            {
                const kind = start[4];
                const id = start.readUInt32BE(5);
                const available = Math.min(this.#buffered, 4 + length);
                this.#take(available);
                this.#skipping = 4 + length - available;
                this.#frames++;
                this.onTooLarge(kind, id);
                continue;
            }
            if (this.#buffered < 4 + length) return;
            this.#frames++;
            this.onFrame(decodeFrame(this.#take(4 + length)));
        }
    }

    /** The first chunk, made at least `length` bytes long. */
    #first(length: number): Buffer
    {
        if (this.#chunks[0].length < length) this.#chunks = [Buffer.concat(this.#chunks)];
        return this.#chunks[0];
    }

    #take(length: number): Buffer
    {
        const first = this.#first(length);
        this.#buffered -= length;
        if (first.length === length) this.#chunks.shift();
        else this.#chunks[0] = first.subarray(length);
        return first.subarray(0, length);
    }
}
