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
    /** How the client proves who it is to the servers; undefined: it does not (a server without authorization). */
    readonly auth?: NatsAuth;
    /** What the client trusts and shows over TLS; undefined: no TLS unless a server demands it (then with Node's CAs). */
    readonly tls?: NatsTls;
}

/**
 * One way to authenticate, as the service file gives it (secrets included): they go to the client's
 * connect options and nowhere else, never into a message.
 */
export type NatsAuth =
    | { readonly kind: 'user'; readonly user: string; readonly password: string }
    | { readonly kind: 'token'; readonly token: string }
    /** The seed of a user nkey (the server knows its public key). */
    | { readonly kind: 'nkey'; readonly seed: Uint8Array }
    /** A .creds file: the user's JWT and its nkey seed (decentralized auth, an operator-mode server). */
    | { readonly kind: 'credentials'; readonly creds: Uint8Array };

/** The PEM contents for the client's TLS: the CA of the servers' certificates, and a client certificate for mutual TLS. */
export interface NatsTls
{
    readonly ca?: string;
    readonly cert?: string;
    readonly key?: string;
}

/** The keys of a `nats` section that each are one way to authenticate (`user` comes with `password`). */
export const NATS_AUTH_KEYS = ['user', 'token', 'nkey', 'credentials'] as const;

/** Whether a client must speak TLS: a tls:// server, or TLS files given (else it takes TLS only where a server offers it). */
export function wantsTls(settings: Pick<NatsSettings, 'servers' | 'tls'>): boolean
{
    return settings.tls !== undefined || settings.servers.some(server => /^tls:\/\//i.test(server));
}

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
        // What a message quotes: a user name, password or token before an @ is left out.
        const shown = server.replace(/^([a-z]+:\/\/)?[^/@]*@/i, '$1***@');
        let parsed: URL;
        try
        {
            parsed = new URL(url);
        }
        catch
        {
            return `holds '${shown}', which is not a server address such as "nats://127.0.0.1:4222"`;
        }
        if (!['nats:', 'tls:'].includes(parsed.protocol)) return `holds '${shown}': only nats:// and tls:// servers are supported`;
        if (parsed.hostname === '') return `holds '${shown}', which names no host`;
        // Credentials in an address would show wherever the address does (logs, errors); they have keys of their own.
        if (parsed.username !== '' || parsed.password !== '') return `holds a server address with a user name, password or token in it; give them as 'user' and 'password' (or 'token') next to 'servers', which jitar keeps out of its logs`;
    }
    return servers;
}
