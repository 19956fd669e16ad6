import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';

/**
 * The checks of the PEM files a service file names for TLS, made when the file is read: a certificate or
 * key that cannot be used is reported by name at start, not as an OpenSSL error at the first connection
 * (and a CA file that holds no certificate, which Node accepts without a word, trusts nothing).
 */

/** A PEM file as the service file names it, read. */
export interface PemFile
{
    /** Absolute path. */
    readonly path: string;
    readonly pem: Buffer;
}

/** The file's content, or why it cannot be read (`not found`, `is a folder`, ...); `kind` names what it should be. */
export function readPemFile(path: string, kind = 'a PEM file'): Buffer | string
{
    try
    {
        return readFileSync(path);
    }
    catch (error)
    {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return 'is not found';
        if (code === 'EISDIR') return `is a folder, not ${kind}`;
        if (code === 'EACCES') return 'cannot be read (permission denied)';
        return `cannot be read (${(error as Error).message})`;
    }
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g;

/** Why `pem` is not one or more PEM certificates; undefined when it is. */
export function certificatesProblem(pem: Buffer): string | undefined
{
    const blocks = pem.toString('latin1').match(CERTIFICATE_BLOCK);
    if (blocks === null) return 'holds no PEM certificate (a block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----)';
    for (const [index, block] of blocks.entries())
    {
        try
        {
            new X509Certificate(block);
        }
        catch (error)
        {
            return `holds a certificate that cannot be read (${blocks.length > 1 ? `the ${ordinal(index + 1)} one: ` : ''}${(error as Error).message})`;
        }
    }
    return undefined;
}

/** Why `pem` is not an unencrypted PEM private key; undefined when it is. */
export function privateKeyProblem(pem: Buffer): string | undefined
{
    const text = pem.toString('latin1');
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return 'holds no PEM private key (a block from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----)';
    // jitar takes no passphrase: it would have to be written down next to the key anyway.
    if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) return 'holds an encrypted private key; jitar takes an unencrypted one (openssl pkey -in encrypted.key -out plain.key)';
    try
    {
        createPrivateKey(pem);
        return undefined;
    }
    catch (error)
    {
        return `holds a private key that cannot be read (${(error as Error).message})`;
    }
}

/** Whether the key belongs to the (first) certificate: undefined when it does, else why not. */
export function keyPairProblem(cert: Buffer, key: Buffer): string | undefined
{
    try
    {
        createSecureContext({ cert, key });
        return undefined;
    }
    catch (error)
    {
        const code = (error as NodeJS.ErrnoException).code;
        return code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH' ? 'is not the key of that certificate' : `cannot be used with that certificate (${(error as Error).message})`;
    }
}

/**
 * Whether the (first) certificate is for `host` (a name, wildcards included, or an IP address), as a
 * client that reaches the service by its URL checks it: undefined when it is, else why not.
 */
export function hostProblem(cert: Buffer, host: string): string | undefined
{
    const certificate = new X509Certificate(cert);
    const matches = isIP(host) === 0 ? certificate.checkHost(host) !== undefined : certificate.checkIP(host) !== undefined;
    if (matches) return undefined;
    const names = certificate.subjectAltName ?? certificate.subject.replaceAll('\n', ', ');
    return `is not for ${host} (it is for ${names})`;
}

function ordinal(position: number): string
{
    return position === 1 ? 'first' : position === 2 ? 'second' : position === 3 ? 'third' : `${position}th`;
}
