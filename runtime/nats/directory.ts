import type { Subscription } from '@nats-io/transport-node';

import { compareVersions } from '../procedure-versions.js';
import type { NatsLink } from './connection.js';
import { readAnnouncement, readGoodbye, type WorkerAnnouncement } from './discovery.js';
import { discoverSubject, downSubject, upSubject } from './subjects.js';

interface Seen
{
    announcement: WorkerAnnouncement;
    at: number;
}

/** One worker as the list shows it. */
export interface ListedWorker
{
    id: string;
    url: string;
    procedureNames: string[];
    procedures: { fqn: string; version: string }[];
    /** Milliseconds since it last announced itself. */
    lastSeen: number;
}

/** One procedure version and where it is served. */
export interface ServedProcedure
{
    fqn: string;
    version: string;
    /** The URLs of the workers that serve it (as many entries as workers). */
    workers: string[];
}

/** How long discovery waits for the workers' answers at the start, and for a next one after each answer. */
const DISCOVERY_WAIT = 1000;
const DISCOVERY_STALL = 200;

/**
 * Which workers are on NATS and which procedure versions they serve, from their announcements. A
 * gateway reads it to pick the version a request gets (the greatest served at or below the asked one),
 * to tell 404 from 503, and for its list of workers; routing itself is the server's queue groups. A
 * worker that stops says so; one that died is forgotten when it has not announced itself for
 * `forgetAfter` ms.
 */
export class WorkerDirectory
{
    readonly #link: NatsLink;
    readonly #forgetAfter: number;
    readonly #workers = new Map<string, Seen>();
    readonly #subscriptions: Subscription[] = [];
    /** Versions served per FQN, ascending; made again when the workers change. */
    #versions: Map<string, string[]> | undefined;

    constructor(link: NatsLink, forgetAfter: number)
    {
        this.#link = link;
        this.#forgetAfter = forgetAfter;
    }

    /** Listens for announcements, and asks the workers already there. */
    async start(): Promise<void>
    {
        const { connection, settings } = this.#link;
        this.#subscriptions.push(connection.subscribe(upSubject(settings.prefix), { callback: (error, message) =>
        {
            if (error === null) this.#seen(readAnnouncement(message.data));
        } }));
        this.#subscriptions.push(connection.subscribe(downSubject(settings.prefix), { callback: (error, message) =>
        {
            const goodbye = error === null ? readGoodbye(message.data) : undefined;
            if (goodbye !== undefined && this.#workers.delete(goodbye.id)) this.#versions = undefined;
        } }));
        try
        {
            const answers = await connection.requestMany(discoverSubject(settings.prefix), '', { maxWait: DISCOVERY_WAIT, strategy: 'stall', stall: DISCOVERY_STALL });
            for await (const answer of answers) this.#seen(readAnnouncement(answer.data));
        }
        catch
        {
            // No worker there yet (no responders): they announce themselves when they come.
        }
    }

    stop(): void
    {
        for (const subscription of this.#subscriptions) subscription.unsubscribe();
    }

    /** The versions of `fqn` some worker serves, ascending; empty when none does. */
    versionsOf(fqn: string): string[]
    {
        this.#expire();
        if (this.#versions === undefined)
        {
            const versions = new Map<string, Set<string>>();
            for (const { announcement } of this.#workers.values())
            {
                for (const { fqn: name, version } of announcement.procedures)
                {
                    const set = versions.get(name) ?? new Set<string>();
                    set.add(version);
                    versions.set(name, set);
                }
            }
            this.#versions = new Map([...versions].map(([name, set]) => [name, [...set].sort(compareVersions)]));
        }
        return this.#versions.get(fqn) ?? [];
    }

    list(): ListedWorker[]
    {
        this.#expire();
        const now = Date.now();
        return [...this.#workers.values()].map(({ announcement, at }) => ({
            id: announcement.id,
            url: announcement.url,
            procedureNames: [...new Set(announcement.procedures.map(procedure => procedure.fqn))].sort(),
            procedures: announcement.procedures,
            lastSeen: now - at
        })).sort((a, b) => a.url.localeCompare(b.url) || a.id.localeCompare(b.id));
    }

    /** Each procedure version that some worker serves, with the workers serving it: by FQN, then version. */
    procedures(): ServedProcedure[]
    {
        const served = new Map<string, ServedProcedure>();
        for (const worker of this.list())
        {
            for (const { fqn, version } of worker.procedures)
            {
                const key = `${fqn}@${version}`;
                const entry = served.get(key) ?? { fqn, version, workers: [] };
                entry.workers.push(worker.url);
                served.set(key, entry);
            }
        }
        return [...served.values()].sort((a, b) => a.fqn.localeCompare(b.fqn) || compareVersions(a.version, b.version));
    }

    #seen(announcement: WorkerAnnouncement | undefined): void
    {
        if (announcement === undefined) return;
        if (!this.#workers.has(announcement.id)) this.#versions = undefined;
        this.#workers.set(announcement.id, { announcement, at: Date.now() });
    }

    #expire(): void
    {
        const limit = Date.now() - this.#forgetAfter;
        for (const [id, { at }] of this.#workers)
        {
            if (at < limit)
            {
                this.#workers.delete(id);
                this.#versions = undefined;
            }
        }
    }
}
