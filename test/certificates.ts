import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The PEM files of a private CA and of a server certificate it signed, as written by makeCertificates. */
export interface TestCertificates
{
    /** The folder holding them. */
    dir: string;
    /** The CA's certificate: what clients trust. */
    ca: string;
    /** The server's certificate, for 127.0.0.1 and localhost. */
    cert: string;
    /** The server certificate's private key. */
    key: string;
    /** Another CA's private key, which is not the server certificate's. */
    otherKey: string;
}

/**
 * Makes a self-signed CA and a server certificate it signs for 127.0.0.1 (an IP address SAN, which TLS
 * clients check the address against) and localhost, with the openssl command, into `dir`. They are
 * valid for two days: tests make their own each run.
 */
export function makeCertificates(dir: string): TestCertificates
{
    mkdirSync(dir, { recursive: true });
    const path = (name: string): string => join(dir, name);
    const openssl = (...args: string[]): void =>
    {
        try
        {
            execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
        }
        catch (error)
        {
            const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: Buffer };
            if (code === 'ENOENT') throw new Error('these tests make their certificates with the openssl command, which is not installed (apt-get install openssl)');
            throw new Error(`openssl ${args.join(' ')} failed:\n${stderr?.toString() ?? String(error)}`);
        }
    };
    const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

    openssl('req', '-x509', ...newKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=jitar test CA',
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    openssl('req', ...newKey, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(path('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext');
    return { dir, ca: path('ca.crt'), cert: path('server.crt'), key: path('server.key'), otherKey: path('ca.key') };
}

/** A client certificate (for mutual TLS) and its key, signed by the CA of `certificates`. */
export interface TestClientCertificate
{
    cert: string;
    key: string;
}

/** Makes a client certificate (extended key usage clientAuth) that the CA of `certificates` signs, next to its files. */
export function makeClientCertificate(certificates: TestCertificates): TestClientCertificate
{
    const path = (name: string): string => join(certificates.dir, name);
    const openssl = (...args: string[]): void => { execFileSync('openssl', args, { cwd: certificates.dir, stdio: 'pipe' }); };
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=jitar test client');
    writeFileSync(path('client.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n');
    openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2', '-extfile', 'client.ext');
    return { cert: path('client.crt'), key: path('client.key') };
}
