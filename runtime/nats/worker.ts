import { randomUUID } from 'node:crypto';

import type { Msg, Subscription } from '@nats-io/transport-node';

import type { NatsLink } from './connection.js';
import type { WorkerAnnouncement } from './discovery.js';
import { decodeRequest, encodeAnswer, MessageError, type NatsAnswer, type NatsRequest } from './messages.js';
import { discoverSubject, downSubject, QUEUE, rpcSubject, upSubject } from './subjects.js';

export interface NatsWorkerOptions
{
    link: NatsLink;
    /** Answers a request as over HTTP (the RPC handler behind rpc-request.ts). */
    handle: (request: NatsRequest) => Promise<NatsAnswer>;
    /** The procedure versions this worker serves over RPC. */
    procedures: { fqn: string; version: string }[];
    /** The worker's own HTTP address, for the gateways' list. */
    url: string;
    /** Milliseconds between two announcements (the worker's reportInterval). */
    reportInterval: number;
    /** How long stopping waits for the answers in flight. */
    drainTimeout: number;
    log: { error(error: unknown, message: string): void };
}

/**
 * A worker's side of NATS: a subscription per procedure version in the queue group, so that each
 * request goes to one of the workers that serve it; announcements for the gateways' list and version
 * choice; and, on stop, a drain: no new requests, those received are answered.
 */
export class NatsWorker
{
    readonly id = randomUUID();
    readonly #options: NatsWorkerOptions;
    readonly #subscriptions: Subscription[] = [];
    #heartbeat: NodeJS.Timeout | undefined;
    /** Requests taken and not yet answered. */
    #inFlight = 0;
    #idle: (() => void) | undefined;

    constructor(options: NatsWorkerOptions)
    {
        this.#options = options;
    }

    start(): void
    {
        const { link, procedures, reportInterval } = this.#options;
        const { connection, settings } = link;
        const callback = (error: Error | null, message: Msg): void =>
        {
            if (error === null) this.#answer(message);
        };
        for (const { fqn, version } of procedures)
        {
            this.#subscriptions.push(connection.subscribe(rpcSubject(settings.prefix, fqn, version), { queue: QUEUE, callback }));
        }
        // Every worker answers discovery: no queue group.
        this.#subscriptions.push(connection.subscribe(discoverSubject(settings.prefix), { callback: (error, message) =>
        {
            if (error === null) message.respond(this.#announcement());
        } }));
        this.#announce();
        this.#heartbeat = setInterval(() => this.#announce(), reportInterval);
        this.#heartbeat.unref();
    }

    /** Takes no new requests, and resolves once those received are answered (or the drain timeout passed). */
    async drain(): Promise<void>
    {
        clearInterval(this.#heartbeat);
        const { connection, settings } = this.#options.link;
        if (!connection.isClosed()) connection.publish(downSubject(settings.prefix), JSON.stringify({ id: this.id }));
        // The server stops sending once it has the unsubscriptions; what it sent before is still handled.
        await Promise.all(this.#subscriptions.map(subscription => subscription.drain().catch(() => undefined)));
        if (this.#inFlight === 0) return;
        await new Promise<void>(resolve =>
        {
            const timer = setTimeout(resolve, this.#options.drainTimeout);
            this.#idle = () =>
            {
                clearTimeout(timer);
                resolve();
            };
        });
    }

    #answer(message: Msg): void
    {
        let request: NatsRequest;
        try
        {
            request = decodeRequest(message.data);
        }
        catch (error)
        {
            const problem = error instanceof MessageError ? error.message : String(error);
            this.#respond(message, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `Invalid request message: ${problem}` });
            return;
        }
        this.#inFlight++;
        this.#options.handle(request).then(
            answer => this.#respond(message, answer),
            (error: unknown) =>
            {
                this.#options.log.error(error, 'request over NATS failed');
                this.#respond(message, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Internal server error' });
            }
        ).finally(() =>
        {
            this.#inFlight--;
            if (this.#inFlight === 0) this.#idle?.();
        });
    }

    #respond(message: Msg, answer: NatsAnswer): void
    {
        const { link } = this.#options;
        let bytes = encodeAnswer(answer);
        if (bytes.length > link.maxPayload)
        {
            // The caller gets a clear failure instead of waiting for its timeout.
            bytes = encodeAnswer({ status: 502, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-jitar-content-type': 'text/plain' }, body: `The answer is ${bytes.length} bytes; the NATS server takes at most ${link.maxPayload} bytes per message (its max_payload)` });
        }
        try
        {
            message.respond(bytes);
        }
        catch (error)
        {
            // The connection closed meanwhile: the caller's timeout answers it.
            this.#options.log.error(error, 'answer over NATS could not be sent');
        }
    }

    #announcement(): string
    {
        const announcement: WorkerAnnouncement = { id: this.id, url: this.#options.url, procedures: this.#options.procedures };
        return JSON.stringify(announcement);
    }

    #announce(): void
    {
        const { connection, settings } = this.#options.link;
        if (!connection.isClosed() && !connection.isDraining()) connection.publish(upSubject(settings.prefix), this.#announcement());
    }
}
