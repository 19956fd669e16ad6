/**
 * Headers that describe one connection, not the request: a process that passes a request or an answer
 * on (a gateway, a proxy, a worker calling another) never passes these.
 */
export const CONNECTION_HEADERS: ReadonlySet<string> = new Set([
    'host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length'
]);
