/** A health check module's default export. */
export interface HealthCheck
{
    name: string;
    /** Milliseconds; a slower answer counts as unhealthy. */
    timeout?: number;
    isHealthy(): Promise<boolean>;
}

export function isHealthCheck(value: unknown): value is HealthCheck
{
    return typeof value === 'object' && value !== null
        && typeof (value as HealthCheck).name === 'string' && typeof (value as HealthCheck).isHealthy === 'function';
}

/** Runs a service's health checks: each one bounded by its timeout, a throw or a timeout counting as unhealthy. */
export class HealthChecks
{
    readonly #checks: readonly HealthCheck[];

    constructor(checks: readonly HealthCheck[])
    {
        this.#checks = checks;
    }

    async report(): Promise<Record<string, boolean>>
    {
        const results = await Promise.all(this.#checks.map(check => run(check)));
        return Object.fromEntries(this.#checks.map((check, index) => [check.name, results[index]]));
    }

    async isHealthy(): Promise<boolean>
    {
        return Object.values(await this.report()).every(healthy => healthy);
    }
}

async function run(check: HealthCheck): Promise<boolean>
{
    let timer: NodeJS.Timeout | undefined;
    const timeout = check.timeout === undefined ? undefined : new Promise<boolean>(resolve => { timer = setTimeout(() => resolve(false), check.timeout); });
    try
    {
        const answer = check.isHealthy().then(healthy => healthy === true, () => false);
        return await (timeout === undefined ? answer : Promise.race([answer, timeout]));
    }
    finally
    {
        clearTimeout(timer);
    }
}
