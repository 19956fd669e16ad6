import type { HttpClient } from '../transport/http-client.js';
import type { HealthReport } from './health-checks.js';

/** A service a proxy stands in front of: its role (the key its health goes under when it cannot be asked) and where it is. */
export interface ProxiedService
{
    role: 'repository' | 'gateway' | 'worker';
    url: string;
}

/**
 * A proxy's health, as Jitar's proxy reports it: the services behind it, merged. `/health` is the
 * repository's checks and then the gateway's (or worker's), one object, a later name winning, as Jitar
 * merges them; `/health/status` is true only when each of them says true. Ours: the proxy's own health
 * checks are in it too, and a service that cannot be asked (down, or an answer that is not a report)
 * shows as `<role>: false` rather than failing the whole request, so the report says who is missing.
 */
export class ProxiedHealth implements HealthReport
{
    readonly #own: HealthReport;
    readonly #services: readonly ProxiedService[];
    readonly #client: HttpClient;

    constructor(own: HealthReport, services: readonly ProxiedService[], client: HttpClient)
    {
        this.#own = own;
        this.#services = services;
        this.#client = client;
    }

    async report(): Promise<Record<string, boolean>>
    {
        const [own, ...behind] = await Promise.all([this.#own.report(), ...this.#services.map(service => this.#reportOf(service))]);
        return Object.assign({}, own, ...behind) as Record<string, boolean>;
    }

    async isHealthy(): Promise<boolean>
    {
        const answers = await Promise.all([this.#own.isHealthy(), ...this.#services.map(service => this.#statusOf(service))]);
        return answers.every(healthy => healthy);
    }

    async #reportOf(service: ProxiedService): Promise<Record<string, boolean>>
    {
        const body = await this.#get(service, '/health');
        let report: unknown;
        try
        {
            report = body === undefined ? undefined : JSON.parse(body);
        }
        catch
        {
            report = undefined;
        }
        if (!isReport(report)) return { [service.role]: false };
        return report;
    }

    async #statusOf(service: ProxiedService): Promise<boolean>
    {
        return await this.#get(service, '/health/status') === 'true';
    }

    /** The body of a 200 answer, or undefined when the service could not be asked or answered otherwise. */
    async #get(service: ProxiedService, path: string): Promise<string | undefined>
    {
        try
        {
            const answer = await this.#client.send(service.url, { method: 'GET', path, headers: {} });
            return answer.status === 200 ? answer.body.toString('utf8').trim() : undefined;
        }
        catch
        {
            return undefined;
        }
    }
}

/** A health report: an object of check names and booleans (anything else from the network is not one). */
function isReport(value: unknown): value is Record<string, boolean>
{
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    return Object.entries(value).every(([name, healthy]) => typeof healthy === 'boolean' && name !== '__proto__');
}

/** The services a proxy stands in front of, repository first: Jitar merges the gateway's (or worker's) report over the repository's. */
export function proxiedServices(rpcTarget: { kind: 'gateway' | 'worker'; url: string }, repository: string | undefined): ProxiedService[]
{
    return [...repository === undefined ? [] : [{ role: 'repository' as const, url: repository }], { role: rpcTarget.kind, url: rpcTarget.url }];
}
