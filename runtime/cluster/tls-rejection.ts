/**
 * TLS handshakes that failed: the other process's certificate was not trusted or not for its address,
 * or the two ends do not speak TLS alike (an https:// URL of a plain HTTP server). The handshake comes
 * before the request, so nothing was sent: for a retry this is a refused connection. It gets a message
 * of its own, since "cannot connect" alone hides a configuration mistake.
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
    for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++)
    {
        const code = (current as NodeJS.ErrnoException).code;
        if (typeof code !== 'string') continue;
        if (CERTIFICATE_CODE.test(code))
        {
            return `its certificate is not accepted (${code}: ${current.message}); the service file's tls.ca (or NODE_EXTRA_CA_CERTS) must name the CA that signed it, and it must be for the URL's host`;
        }
        if (PROTOCOL_CODE.test(code)) return `the TLS handshake failed (${openSslReason(current.message)}); does it serve https?`;
    }
    return undefined;
}

/** "wrong version number" from OpenSSL's "80EC...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:file:line:". */
function openSslReason(message: string): string
{
    return /routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message.trim();
}
