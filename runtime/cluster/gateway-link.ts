import type { HttpAnswer, Transport } from '../transport/transport.js';
import { EXTENSIONS_HEADER, refusesExtraFields, ROUTES_EXTENSION } from './peer-extensions.js';
import type { RoutingTable, WorkerState } from './worker-state.js';

export interface GatewayLinkOptions
{
    client: Transport;
    gateway: string;
    /** This worker's URL, as others reach it. */
    url: string;
    procedureNames: readonly string[];
    /** The versions of each, so that the gateway routes every version to the workers that serve it. */
    procedures: readonly { fqn: string; version: string }[];
    trustKey: string | undefined;
    reportInterval: number;
    /** The state to report now: available when the health checks pass. */
    state: () => Promise<WorkerState>;
    /** Told every routing table the gateway answers with. */
    onRoutes: (routes: RoutingTable) => void;
    log: { debug(message: string): void; info(message: string): void; warn(message: string): void; error(message: string): void };
}

/** The least time between two early reports (refreshRoutes). */
const REFRESH_GAP = 1000;

/**
 * A worker's side of its gateway: it registers, reports its state every report interval, and registers
 * again whenever a report is refused, whatever the status (a gateway of ours answers 404 for an id it
 * does not know, the reference's 500): the gateway started after it, or restarted. Stopping, it first
 * says so, so that the gateway sends it nothing new, and deregisters last. With a reference gateway it
 * sends only the reference's fields (peer-extensions.ts).
 */
export class GatewayLink
{
    readonly #options: GatewayLinkOptions;
    #id: string | undefined;
    #timer: NodeJS.Timeout | undefined;
    #stopping = false;
    #beating = false;
    /** When routes were last asked for early. */
    #refreshed = 0;
    /** Why the gateway last refused this worker (401, 403), logged once rather than every beat. */
    #refusal: string | undefined;
    /** The report or registration under way, so that stopping waits for it instead of racing it. */
    #pending: Promise<void> = Promise.resolve();

    constructor(options: GatewayLinkOptions)
    {
        this.#options = options;
    }

    get registered(): boolean
    {
        return this.#id !== undefined;
    }

    /** Registers now if the gateway answers (otherwise on a later beat), then reports every interval. */
    async start(): Promise<void>
    {
        await this.#beat();
        this.#timer = setInterval(() =>
        {
            // A gateway slower than the interval gets one beat at a time (two registrations would make two ids).
            if (this.#beating) return;
            this.#pending = this.#beat();
        }, this.#options.reportInterval);
        this.#timer.unref();
    }

    /**
     * Reports now rather than at the next interval, for the routes it answers with: a call just went
     * through the gateway for want of a route, so a worker may have come that this one does not know.
     * At most once per REFRESH_GAP, so that calls nobody else serves do not turn into a report each.
     */
    refreshRoutes(): void
    {
        const now = Date.now();
        if (this.#stopping || this.#beating || this.#id === undefined || now - this.#refreshed < REFRESH_GAP) return;
        this.#refreshed = now;
        this.#pending = this.#beat();
    }

    /** Tells the gateway this worker is stopping: it gets no new requests from there. */
    async announceStopping(): Promise<void>
    {
        this.#stopping = true;
        if (this.#timer !== undefined) clearInterval(this.#timer);
        await this.#pending;
        if (this.#id !== undefined) await this.#report('stopping').catch(() => undefined);
    }

    /** Removes this worker from the gateway (after it stopped serving). */
    async deregister(): Promise<void>
    {
        const id = this.#id;
        this.#id = undefined;
        if (id === undefined) return;
        await this.#send('DELETE', `/workers/${encodeURIComponent(id)}`).catch(() => undefined);
    }

    async #beat(): Promise<void>
    {
        if (this.#stopping) return;
        this.#beating = true;
        try
        {
            if (this.#id === undefined) await this.#register();
            else if (!await this.#report(await this.#options.state())) await this.#register();
        }
        catch (error)
        {
            this.#options.log.warn(`Gateway ${this.#options.gateway} not reached (${error instanceof Error ? error.message : String(error)}); trying again in ${this.#options.reportInterval} ms`);
        }
        finally
        {
            this.#beating = false;
        }
    }

    async #register(): Promise<void>
    {
        const { url, procedureNames, procedures, trustKey } = this.#options;
        const plain = { url, procedureNames, ...trustKey === undefined ? {} : { trustKey } };
        let answer = await this.#send('POST', '/workers', { ...plain, procedures, state: await this.#options.state() });
        if (refusesExtraFields(answer.status, answer.body.toString('utf8')))
        {
            // A reference gateway: it routes by name only, and takes every worker as available.
            this.#options.log.debug(`Gateway ${this.#options.gateway} takes only the reference's registration fields; registering without versions and state`);
            answer = await this.#send('POST', '/workers', plain);
        }
        const body = parseBody(answer);
        if (answer.status === 401 || answer.status === 403)
        {
            // Not a gateway that is down: one that will not take this worker until either is configured anew.
            const refusal = `Gateway ${this.#options.gateway} refused this worker (${answer.status}): ${answer.body.toString('utf8')}`;
            if (refusal !== this.#refusal) this.#options.log.error(refusal);
            this.#refusal = refusal;
            return;
        }
        if (answer.status !== 200 && answer.status !== 201)
        {
            throw new Error(`registration refused with ${answer.status}: ${answer.body.toString('utf8')}`);
        }
        const id = typeof body?.id === 'string' ? body.id : undefined;
        if (id === undefined) throw new Error('the gateway answered the registration without an id');
        if (this.#stopping) return;
        this.#id = id;
        this.#refusal = undefined;
        this.#takeRoutes(body);
        this.#options.log.info(`Registered with gateway ${this.#options.gateway} as ${id}`);
    }

    /** False when the gateway refused the report: it does not know this worker (any more). */
    async #report(state: WorkerState): Promise<boolean>
    {
        const answer = await this.#send('POST', `/workers/${encodeURIComponent(this.#id ?? '')}/report`, { state });
        if (answer.status >= 400)
        {
            // Ours says 404 and the reference 500 for an id it does not know; either way, registering again
            // is what makes the gateway know this worker (and a refusal for the trust key is logged there).
            this.#options.log.info(`Gateway ${this.#options.gateway} refused the report (${answer.status}: ${answer.body.toString('utf8').slice(0, 200)}); registering again`);
            this.#id = undefined;
            return false;
        }
        this.#takeRoutes(parseBody(answer));
        return true;
    }

    #takeRoutes(body: Record<string, unknown> | undefined): void
    {
        const routes = body?.routes;
        if (routes === null || typeof routes !== 'object' || Array.isArray(routes)) return;
        this.#options.onRoutes(routes as RoutingTable);
        // Which workers this one calls directly changes with each table: worth seeing when debugging.
        this.#options.log.debug(`Routes from gateway ${this.#options.gateway}: ${Object.keys(routes).length} procedure versions`);
    }

    #send(method: string, path: string, body?: object): Promise<HttpAnswer>
    {
        const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
        headers[EXTENSIONS_HEADER] = ROUTES_EXTENSION;
        if (this.#options.trustKey !== undefined) headers['x-jitar-trust-key'] = this.#options.trustKey;
        return this.#options.client.send(this.#options.gateway, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    }
}

function parseBody(answer: HttpAnswer): Record<string, unknown> | undefined
{
    try
    {
        const value: unknown = JSON.parse(answer.body.toString('utf8'));
        return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
    }
    catch
    {
        return undefined;
    }
}
