/**
 * A service file's `nats` key (in `worker` and `gateway`): the NATS servers that carry the app's RPC
 * instead of the HTTP cluster, and the prefix of its subjects, so that several apps can share a server.
 */
export interface NatsSettings
{
    /** `nats://host:port` (or `host:port`) of each server the client may connect to. */
    readonly servers: readonly string[];
    /** The first token of every subject (default `jitar`). */
    readonly prefix: string;
}

export const NATS_KEYS = ['servers', 'prefix'] as const;

export const DEFAULT_PREFIX = 'jitar';

/** A subject token: NATS splits at dots and reserves `*`, `>` and white space. */
const PREFIX = /^[A-Za-z0-9_-]+$/;

/** What is wrong with a prefix, or undefined when it can be used. */
export function prefixProblem(prefix: string): string | undefined
{
    return PREFIX.test(prefix) ? undefined : 'must be one subject token: letters, digits, _ and -';
}

/**
 * The servers a `servers` value names: one string (which may list several, separated by commas, as
 * `${NATS_URL}` often does) or an array of them. Returns the problem as a sentence when one is invalid.
 */
export function readServers(values: readonly string[]): string[] | string
{
    const servers = values.flatMap(value => value.split(',')).map(value => value.trim()).filter(value => value !== '');
    if (servers.length === 0) return 'names no server; give at least one, such as "nats://127.0.0.1:4222"';
    for (const server of servers)
    {
        const url = /^[a-z]+:\/\//i.test(server) ? server : `nats://${server}`;
        let parsed: URL;
        try
        {
            parsed = new URL(url);
        }
        catch
        {
            return `holds '${server}', which is not a server address such as "nats://127.0.0.1:4222"`;
        }
        if (!['nats:', 'tls:'].includes(parsed.protocol)) return `holds '${server}': only nats:// and tls:// servers are supported`;
        if (parsed.hostname === '') return `holds '${server}', which names no host`;
    }
    return servers;
}
