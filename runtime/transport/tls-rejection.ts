/**
 * TLS handshakes that failed: the other process's certificate was not trusted or not for its address,
 * or the two ends do not speak TLS alike (an https:// URL of a plain HTTP server). A refused certificate
 * means nothing was sent: for a retry it is a refused connection. Either gets a message of its own,
 * since "cannot connect" alone hides a configuration mistake.
 */

/**
 * OpenSSL's certificate verification results as Node names them (UNABLE_TO_VERIFY_LEAF_SIGNATURE,
 * CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, ...), Node's own for a name or address the certificate
 * is not for, and OpenSSL's protocol errors.
 */
const CERTIFICATE_CODE = /^(?:UNABLE_TO_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|INVALID_CA$|PATH_LENGTH_EXCEEDED$|INVALID_PURPOSE$|HOSTNAME_MISMATCH$|ERR_TLS_CERT_ALTNAME_INVALID$)/;
const PROTOCOL_CODE = /^(?:ERR_SSL_|EPROTO$)/;

/** Why the TLS handshake failed, when `error` (or one of its causes) says it did; undefined otherwise. */
export function tlsRejection(error: unknown): string | undefined
{
    const certificate = findCode(error, CERTIFICATE_CODE);
    if (certificate !== undefined)
    {
        return `its certificate is not accepted (${certificate.code}: ${certificate.message}); the service file's tls.ca (or NODE_EXTRA_CA_CERTS) must name the CA that signed it, and it must be for the URL's host`;
    }
    const protocol = findCode(error, PROTOCOL_CODE);
    return protocol === undefined ? undefined : `the TLS handshake failed (${openSslReason(protocol.message)}); does it serve https?`;
}

/**
 * Whether the other end's certificate was refused. Only the handshake checks it, so the request was
 * not sent; a protocol error may also come later, in the middle of a request.
 */
export function isCertificateRejection(error: unknown): boolean
{
    return findCode(error, CERTIFICATE_CODE) !== undefined;
}

/** The first of `error` and its causes whose code matches. */
function findCode(error: unknown, pattern: RegExp): { code: string; message: string } | undefined
{
    // Read by shape, not by `instanceof Error`: errors made in another realm (a VM context) are errors too.
    for (let current = asError(error), depth = 0; current !== undefined && depth < 4; current = asError(current.cause), depth++)
    {
        const { code, message } = current;
        if (typeof code === 'string' && pattern.test(code)) return { code, message };
    }
    return undefined;
}

function asError(value: unknown): { code?: unknown; message: string; cause?: unknown } | undefined
{
    if (typeof value !== 'object' || value === null) return undefined;
    const { code, message, cause } = value as Record<string, unknown>;
    return { code, message: typeof message === 'string' ? message : '', cause };
}

/** "wrong version number" from OpenSSL's "80EC...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:file:line:". */
function openSslReason(message: string): string
{
    return /routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message.trim();
}
