import { sameTrustKey } from '../rpc/trust-key.js';

export interface MetricsRequest
{
    /** `x-jitar-trust-key`. */
    trustKeyHeader: string | string[] | undefined;
    /** `authorization`: Prometheus sends the key as a bearer token (`authorization` in its scrape config). */
    authorization: string | undefined;
    remoteAddress: string | undefined;
}

/**
 * Who may read `/metrics`: it tells which procedures run, how often and how they fail, so it is closed to
 * the outside unless the service file makes it public. Behind the trust key when the service has one,
 * else open only to callers on this machine. Undefined: allowed; else the refusal's status and message.
 */
export function metricsRefusal(settings: { readonly public: boolean }, trustKey: string | undefined, request: MetricsRequest): { status: number; message: string } | undefined
{
    if (settings.public) return undefined;
    if (trustKey !== undefined)
    {
        const bearer = request.authorization?.startsWith('Bearer ') === true ? request.authorization.slice('Bearer '.length).trim() : undefined;
        if (sameTrustKey(trustKey, request.trustKeyHeader) || (bearer !== undefined && sameTrustKey(trustKey, bearer))) return undefined;
        return { status: 401, message: 'Metrics need the trust key: send it as x-jitar-trust-key or as a bearer token, or make them public in the service file ("metrics": { "public": true })' };
    }
    if (isLoopback(request.remoteAddress)) return undefined;
    return { status: 403, message: 'Metrics are served only to this machine when the service has no trust key: give it a trustKey, or make them public in the service file ("metrics": { "public": true })' };
}

function isLoopback(address: string | undefined): boolean
{
    if (address === undefined) return false;
    const ipv4 = address.startsWith('::ffff:') ? address.slice(7) : address;
    return ipv4.startsWith('127.') || address === '::1';
}
