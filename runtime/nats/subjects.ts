/**
 * The subjects of an app on NATS. A procedure version is served on
 *
 *     <prefix>.rpc.<fqn>.<major>.<minor>.<patch>
 *
 * by every worker that holds it, in one queue group: the server hands each request to one of them.
 * Discovery: workers announce themselves on `<prefix>.workers.up` (at start and every report interval),
 * say goodbye on `<prefix>.workers.down`, and answer `<prefix>.workers.discover`.
 */

/** The queue group of every RPC subscription: one member of it gets each request. */
export const QUEUE = 'jitar';

export function rpcSubject(prefix: string, fqn: string, version: string): string
{
    return `${prefix}.rpc.${fqnToken(fqn)}.${version}`;
}

export const upSubject = (prefix: string): string => `${prefix}.workers.up`;
export const downSubject = (prefix: string): string => `${prefix}.workers.down`;
export const discoverSubject = (prefix: string): string => `${prefix}.workers.discover`;

/**
 * An FQN as one subject token: the characters NATS gives a meaning (`.`, `*`, `>`, white space) and `%`
 * itself are written as `%XX`, so that two FQNs never share a subject.
 */
function fqnToken(fqn: string): string
{
    return /[.*>%\s]/.test(fqn) ? fqn.replace(/[.*>%\s]/g, char => `%${char.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`) : fqn;
}
