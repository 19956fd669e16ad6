import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';

/**
 * The upgrade that turns an HTTP connection into a channel: the caller sends `GET /jitar/channel` with
 * `Upgrade: jitar-rpc/1`; the server answers 101 and the connection carries frames from then on, or
 * answers a status of its own and closes it. 503 means "stopping": nothing was sent, so the caller's
 * requests may go elsewhere. Any other answer means the server takes no channel: the caller sends over HTTP.
 */
export const CHANNEL_PATH = '/jitar/channel';
export const CHANNEL_PROTOCOL = 'jitar-rpc/1';

/** How long a caller waits for the answer to its upgrade, at most. */
export const MAX_UPGRADE_WAIT = 10_000;

/** Whether an upgrade request asks for a channel. */
export function isChannelUpgrade(request: IncomingMessage): boolean
{
    return request.url === CHANNEL_PATH && request.headers.upgrade?.toLowerCase() === CHANNEL_PROTOCOL;
}

/** The server's yes: from here on the socket carries frames. */
export function acceptUpgrade(socket: Socket): void
{
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: ${CHANNEL_PROTOCOL}\r\n\r\n`);
}

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 429: 'Too Many Requests', 503: 'Service Unavailable' };

/** The server's no, as a plain HTTP answer that closes the connection. */
export function refuseUpgrade(socket: Socket, status: number, message: string): void
{
    socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\nconnection: close\r\n\r\n${message}`);
}

/**
 * The caller's upgrade request to an origin, sent. An https origin's channel is upgraded from an https
 * request: its socket is a TLSSocket, verified against `ca` before the upgrade is sent.
 */
export function requestUpgrade(origin: string, timeout: number, ca: Buffer | undefined): ClientRequest
{
    const url = new URL(origin);
    const options = {
        host: url.hostname, port: url.port, path: CHANNEL_PATH, agent: false,
        headers: { connection: 'Upgrade', upgrade: CHANNEL_PROTOCOL },
        timeout: Math.min(timeout, MAX_UPGRADE_WAIT)
    };
    const upgrade = url.protocol === 'https:' ? httpsRequest({ ...options, ca }) : httpRequest(options);
    upgrade.end();
    return upgrade;
}
