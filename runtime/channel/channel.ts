import type { Socket } from 'node:net';

import { FrameReader, type Frame } from './frames.js';

/** How long an ended channel waits for the peer to end its side (and to read what was still sent). */
const END_GRACE = 5000;

export interface ChannelEvents
{
    onFrame(frame: Frame): void;
    onTooLarge(kind: number, id: number): void;
    /** Once, when the connection is gone; `error` when it broke rather than ended. */
    onClose(error: Error | undefined): void;
}

export interface ChannelOptions
{
    maxFrameLength: number;
    /**
     * The serving side reads no more requests while its answers wait to be sent: a caller that sends
     * without reading cannot make it buffer without end. (Only one side may wait so, or both could.)
     */
    readsWaitForWrites?: boolean;
}

/**
 * One connection between two jitar processes carrying frames both ways. Frames sent in one turn of the
 * event loop go out in one write: under load, one system call carries the answers to many requests,
 * where HTTP/1.1 needs one per request and connection.
 */
export class Channel
{
    readonly #socket: Socket;
    readonly #reader: FrameReader;
    #pending: Buffer[] = [];
    #flushing = false;
    #error: Error | undefined;
    #closed = false;
    readonly #readsWaitForWrites: boolean;

    constructor(socket: Socket, options: ChannelOptions, events: ChannelEvents)
    {
        this.#socket = socket;
        this.#readsWaitForWrites = options.readsWaitForWrites ?? false;
        this.#reader = new FrameReader(options.maxFrameLength, frame => events.onFrame(frame), (kind, id) => events.onTooLarge(kind, id));
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 30_000);
        socket.on('data', (chunk: Buffer) => this.receive(chunk));
        socket.on('error', (error: Error) => { this.#error ??= error; });
        socket.on('close', () =>
        {
            this.#closed = true;
            events.onClose(this.#error);
        });
        // The other side ending means it sends nothing more; this side has nothing left to say either.
        socket.on('end', () => this.end());
    }

    /** When the frame this side waits for began to come; undefined between frames (FrameReader). */
    get incompleteSince(): number | undefined
    {
        return this.#reader.incompleteSince;
    }

    /** Bytes from the connection; also those that came with the upgrade. A peer that breaks the protocol is cut off. */
    receive(chunk: Buffer): void
    {
        try
        {
            this.#reader.push(chunk);
        }
        catch (error)
        {
            this.destroy(error instanceof Error ? error : new Error(String(error)));
        }
    }

    send(frame: Buffer): void
    {
        if (this.#closed) return;
        this.#pending.push(frame);
        if (!this.#flushing)
        {
            this.#flushing = true;
            setImmediate(this.#flush);
        }
    }

    readonly #flush = (): void =>
    {
        this.#flushing = false;
        const frames = this.#pending;
        this.#pending = [];
        if (this.#closed || frames.length === 0) return;
        if (frames.length === 1)
        {
            this.#socket.write(frames[0]);
        }
        else
        {
            this.#socket.cork();
            for (const frame of frames) this.#socket.write(frame);
            this.#socket.uncork();
        }
        if (this.#readsWaitForWrites && this.#socket.writableNeedDrain && !this.#socket.isPaused())
        {
            this.#socket.pause();
            this.#socket.once('drain', () => this.#socket.resume());
        }
    };

    /**
     * Sends what is pending, then ends the connection. A peer that does not end its side in time (a
     * faulty or hostile one) must not keep this process from stopping: its connection is cut.
     */
    end(): void
    {
        if (this.#closed) return;
        this.#flush();
        this.#socket.end();
        setTimeout(() => this.#socket.destroy(), END_GRACE).unref();
    }

    destroy(error?: Error): void
    {
        if (error !== undefined) this.#error ??= error;
        this.#socket.destroy();
    }
}
