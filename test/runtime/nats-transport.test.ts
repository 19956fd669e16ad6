import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { nkeys } from '@nats-io/transport-node';

import { makeCertificates } from '../certificates.js';
import { connectOptions } from '../../runtime/nats/connection.js';
import { decodeAnswer, decodeRequest, encodeAnswer, encodeRequest } from '../../runtime/nats/messages.js';
import { readServers } from '../../runtime/nats/settings.js';
import { rpcSubject } from '../../runtime/nats/subjects.js';
import { loadServiceConfig } from '../../runtime/services/service-config.js';
import { configFailure } from './config-failure.js';

describe('NATS messages', () =>
{
    it('carry a request as HTTP has it: method, path with query, headers in order and repeated, body bytes', () =>
    {
        const body = Buffer.from([0, 1, 2, 255]);
        const request = decodeRequest(encodeRequest('POST', '/rpc/a/b?x=1', ['Content-Type', 'application/json', 'set-thing', '1', 'set-thing', '2'], body));
        expect(request).toEqual({ method: 'POST', path: '/rpc/a/b?x=1', rawHeaders: ['Content-Type', 'application/json', 'set-thing', '1', 'set-thing', '2'], body });
        const byName = decodeRequest(encodeRequest('GET', '/rpc/x', { accept: 'text/plain', cookie: ['a=1', 'b=2'] }, undefined));
        expect(byName).toEqual({ method: 'GET', path: '/rpc/x', rawHeaders: ['accept', 'text/plain', 'cookie', 'a=1', 'cookie', 'b=2'], body: Buffer.alloc(0) });
        expect(decodeRequest(encodeRequest('POST', '/rpc/x', [], 'héllo')).body.toString('utf8')).toBe('héllo');
    });

    it('carry an answer with its status, headers and body, and refuse one that HTTP cannot pass on', () =>
    {
        expect(decodeAnswer(encodeAnswer({ status: 418, headers: { 'X-Jitar-Content-Type': 'text/plain', skipped: undefined }, body: 'tea' })))
            .toEqual({ status: 418, headers: { 'x-jitar-content-type': 'text/plain' }, body: Buffer.from('tea') });
        expect(decodeAnswer(encodeAnswer({ status: 99, headers: {}, body: '' }))).toMatch(/not an HTTP status/);
        expect(decodeAnswer(encodeAnswer({ status: 200, headers: { 'x-bad': 'a\r\nb' }, body: '' }))).toMatch(/characters HTTP cannot carry/);
        expect(decodeAnswer(Buffer.from([0, 0]))).toBe('message too short');
        expect(decodeAnswer(Buffer.from([0, 0, 0, 9, 1]))).toBe('message head longer than the message');
        expect(decodeAnswer(Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{x}')]))).toBe('message head is not JSON');
        expect(() => decodeRequest(Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('["a"]')]))).toThrow('A request head must be method, path');
    });
});

describe('NATS subjects', () =>
{
    it('give each FQN and version a subject of its own, with the characters NATS reserves escaped', () =>
    {
        expect(rpcSubject('jitar', 'stock/reserve', '1.2.3')).toBe('jitar.rpc.stock/reserve.1.2.3');
        const subjects = ['a.b/c', 'a%2Eb/c', 'a*b', 'a>b', 'a b'].map(fqn => rpcSubject('p', fqn, '0.0.0'));
        expect(new Set(subjects).size).toBe(subjects.length);
        for (const subject of subjects) expect(subject.split('.').length).toBe(6);
        for (const subject of subjects) expect(subject).not.toMatch(/[*>\s]/);
    });
});

describe('the nats key of worker and gateway files', () =>
{
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'jitar-nats-config-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const load = (content: unknown, env: Record<string, string> = {}): ReturnType<typeof loadServiceConfig> =>
    {
        writeFileSync(join(dir, 'service.json'), JSON.stringify(content));
        return loadServiceConfig('service.json', { cwd: dir, env });
    };
    const failure = (content: unknown): string => configFailure(() => load(content));

    it('reads the servers (one, a comma list from a variable, or an array) and the prefix', () =>
    {
        const gateway = load({ url: 'http://127.0.0.1:3000', gateway: { nats: { servers: '${NATS_URL}' } } }, { NATS_URL: 'nats://127.0.0.1:4222, 127.0.0.1:4223' });
        expect(gateway.kind === 'gateway' ? gateway.nats : undefined).toEqual({ servers: ['nats://127.0.0.1:4222', '127.0.0.1:4223'], prefix: 'jitar' });
        const worker = load({ url: 'http://127.0.0.1:3001', worker: { segments: [], nats: { servers: ['nats://a:1', 'tls://b:2'], prefix: 'shop-2' } } });
        expect(worker.kind === 'worker' ? worker.nats : undefined).toEqual({ servers: ['nats://a:1', 'tls://b:2'], prefix: 'shop-2' });
        const http = load({ url: 'http://127.0.0.1:3001', worker: { segments: [], gateway: 'http://127.0.0.1:3000' } });
        expect(http.kind === 'worker' ? http.nats : 'not a worker').toBeUndefined();
    });

    it('refuses what it does not support, naming the key', () =>
    {
        expect(failure({ url: 'http://127.0.0.1:3000', gateway: { nats: { servers: 'nats://x:1', username: 'me' } } })).toContain("unknown key 'username' in 'gateway.nats'");
        expect(failure({ url: 'http://127.0.0.1:3000', gateway: { nats: 'nats://x:1' } })).toContain('gateway.nats');
        expect(failure({ url: 'http://127.0.0.1:3000', gateway: { nats: { servers: [] } } })).toContain("'gateway.nats.servers' must be a NATS server address such as \"nats://127.0.0.1:4222\", or an array of them, not an array");
        expect(failure({ url: 'http://127.0.0.1:3000', gateway: { nats: { servers: ' , ' } } })).toContain("'gateway.nats.servers' names no server");
        expect(failure({ url: 'http://127.0.0.1:3000', gateway: { nats: { prefix: 'x' } } })).toContain("missing required key 'servers' in 'gateway.nats'");
        expect(failure({ url: 'http://127.0.0.1:3000', gateway: { nats: { servers: ['nats://x:1', 3] } } })).toContain("'gateway.nats.servers' must be a NATS server address");
        expect(failure({ url: 'http://127.0.0.1:3000', gateway: { nats: { servers: 'ws://x:1' } } })).toContain('only nats:// and tls:// servers are supported');
        expect(failure({ url: 'http://127.0.0.1:3000', worker: { segments: [], nats: { servers: 'nats://x:1', prefix: 'a>' } } })).toContain("'worker.nats.prefix' must be one subject token");
        expect(failure({ url: 'http://127.0.0.1:3000', worker: { segments: [], gateway: 'http://127.0.0.1:1', nats: { servers: 'nats://x:1' } } })).toContain("'worker' has both 'gateway' and 'nats'");
        expect(failure({ url: 'http://127.0.0.1:3000', standalone: { segments: [], nats: { servers: 'nats://x:1' } } })).toContain("unknown key 'nats' in 'standalone'");
    });

    it('reads server lists as the client will use them', () =>
    {
        expect(readServers(['nats://a:1,nats://b:2', ' c:3 '])).toEqual(['nats://a:1', 'nats://b:2', 'c:3']);
        expect(readServers([' , '])).toMatch(/names no server/);
        expect(readServers(['nats://'])).toMatch(/not a server address|names no host/);
    });
});

describe('authentication and TLS in the nats key', () =>
{
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'jitar-nats-auth-config-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const SECRET = 'pa55-w0rd-never-shown';
    const gateway = (nats: Record<string, unknown>): unknown => ({ url: 'http://127.0.0.1:3000', gateway: { nats: { servers: 'nats://127.0.0.1:4222', ...nats } } });
    const load = (content: unknown, env: Record<string, string> = {}): ReturnType<typeof loadServiceConfig> =>
    {
        writeFileSync(join(dir, 'service.json'), JSON.stringify(content));
        return loadServiceConfig('service.json', { cwd: dir, env });
    };
    const natsOf = (content: unknown, env: Record<string, string> = {}): NonNullable<Extract<ReturnType<typeof loadServiceConfig>, { kind: 'gateway' }>['nats']> =>
    {
        const config = load(content, env);
        if (config.kind !== 'gateway' || config.nats === undefined) throw new Error('not a NATS gateway');
        return config.nats;
    };
    const failure = (content: unknown, env: Record<string, string> = {}): string => configFailure(() => load(content, env));
    /** What the client's authenticator sends for a server's nonce. */
    const signIn = (settings: Parameters<typeof connectOptions>[0], nonce: string): Record<string, unknown> =>
    {
        const authenticator = connectOptions(settings, 'n').authenticator;
        if (typeof authenticator !== 'function') throw new Error('no authenticator');
        return { ...authenticator(nonce) };
    };
    const seedFile = (name: string, seed: Uint8Array): void => writeFileSync(join(dir, name), `${new TextDecoder().decode(seed)}\n`);

    it('reads user and password, token, nkey and credentials, with variables, as the client options', () =>
    {
        const user = natsOf(gateway({ user: 'app', password: '${NATS_PASSWORD}' }), { NATS_PASSWORD: SECRET });
        expect(user.auth).toEqual({ kind: 'user', user: 'app', password: SECRET });
        expect(connectOptions(user, 'n')).toMatchObject({ user: 'app', pass: SECRET });
        expect(connectOptions(user, 'n').tls).toBeUndefined();

        const token = natsOf(gateway({ token: '${NATS_TOKEN}' }), { NATS_TOKEN: SECRET });
        expect(connectOptions(token, 'n')).toMatchObject({ token: SECRET });

        const pair = nkeys.createUser();
        mkdirSync(join(dir, 'keys'));
        seedFile('keys/app.nk', pair.getSeed());
        const nkey = natsOf(gateway({ nkey: './keys/app.nk' }));
        expect(nkey.auth?.kind).toBe('nkey');
        // The authenticator signs the server's nonce with the seed and sends the public key.
        const signed = signIn(nkey, 'nonce-1');
        expect(signed).toMatchObject({ nkey: pair.getPublicKey() });
        expect(pair.verify(new TextEncoder().encode('nonce-1'), Buffer.from(String(signed.sig), 'base64url'))).toBe(true);

        writeFileSync(join(dir, 'app.creds'), `-----BEGIN NATS USER JWT-----\neyJhbGciOiJlZDI1NTE5LW5rZXkiLCJ0eXAiOiJKV1QifQ.e30.c2ln\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${new TextDecoder().decode(pair.getSeed())}\n------END USER NKEY SEED------\n`);
        const creds = natsOf(gateway({ credentials: 'app.creds' }));
        expect(signIn(creds, 'nonce-2')).toMatchObject({ jwt: 'eyJhbGciOiJlZDI1NTE5LW5rZXkiLCJ0eXAiOiJKV1QifQ.e30.c2ln' });

        expect(natsOf(gateway({})).auth).toBeUndefined();
    });

    it('reads ca, cert and key relative to the app root, and speaks only TLS to tls:// servers or with them', () =>
    {
        const certificates = makeCertificates(join(dir, 'certs'));
        const tls = natsOf(gateway({ ca: './certs/ca.crt', cert: 'certs/server.crt', key: 'certs/server.key' }));
        expect(tls.tls).toEqual({ ca: readFileSync(certificates.ca, 'utf8'), cert: readFileSync(certificates.cert, 'utf8'), key: readFileSync(certificates.key, 'utf8') });
        expect(connectOptions(tls, 'n').tls).toEqual(tls.tls);
        // A tls:// server without files: TLS with Node's CAs, never plain text.
        expect(connectOptions(natsOf(gateway({ servers: 'tls://127.0.0.1:4222' })), 'n').tls).toEqual({});
        expect(connectOptions(natsOf(gateway({})), 'n').tls).toBeUndefined();
    });

    it('refuses two ways to authenticate, naming both keys', () =>
    {
        expect(failure(gateway({ user: 'a', password: SECRET, token: SECRET }))).toBe("service.json: 'gateway.nats' gives both 'user' and 'token'; the client authenticates one way, keep one");
        expect(failure(gateway({ token: SECRET, nkey: 'x.nk' }))).toContain("'gateway.nats' gives both 'token' and 'nkey'");
        expect(failure(gateway({ nkey: 'x.nk', credentials: 'x.creds' }))).toContain("'gateway.nats' gives both 'nkey' and 'credentials'");
        expect(failure(gateway({ password: SECRET, token: SECRET }))).toContain("'gateway.nats.password' is given without 'user'");
    });

    it('refuses user without password and password without user', () =>
    {
        expect(failure(gateway({ user: 'a' }))).toBe("service.json: 'gateway.nats.user' is given without 'password'; give both, or neither");
        expect(failure({ url: 'http://127.0.0.1:3000', worker: { segments: [], nats: { servers: 'nats://x:1', password: SECRET } } })).toBe("service.json: 'worker.nats.password' is given without 'user'; give both, or neither");
        expect(failure(gateway({ user: 'a', password: '${NATS_PASSWORD}' }), { NATS_PASSWORD: ' ' })).toContain("'gateway.nats.password' must not be empty");
        expect(failure(gateway({ user: 'a', password: '${NATS_PASSWORD}' }))).toContain("'gateway.nats.password' uses ${NATS_PASSWORD}, which is not set");
    });

    it('refuses unknown sub-keys and values of the wrong type, naming the key', () =>
    {
        expect(failure(gateway({ pass: SECRET }))).toContain("unknown key 'pass' in 'gateway.nats'; known keys are servers, prefix, user, password, token, nkey, credentials, ca, cert, key");
        expect(failure(gateway({ tls: {} }))).toContain("unknown key 'tls' in 'gateway.nats'");
        expect(failure(gateway({ token: 42 }))).toContain("'gateway.nats.token' must be a string");
        expect(failure(gateway({ token: '' }))).toContain("'gateway.nats.token' must not be empty");
    });

    it('refuses a missing or unreadable file, naming the key and the path', () =>
    {
        expect(failure(gateway({ nkey: './keys/none.nk' }))).toBe("service.json: 'gateway.nats.nkey' names keys/none.nk, which is not found");
        expect(failure(gateway({ credentials: 'none.creds' }))).toBe("service.json: 'gateway.nats.credentials' names none.creds, which is not found");
        expect(failure(gateway({ ca: 'certs/ca.crt' }))).toBe("service.json: 'gateway.nats.ca' names certs/ca.crt, which is not found");
        mkdirSync(join(dir, 'folder'));
        expect(failure(gateway({ nkey: 'folder' }))).toBe("service.json: 'gateway.nats.nkey' names folder, which is a folder, not an nkey seed file");
    });

    it('refuses files that are not what the key takes, without quoting them', () =>
    {
        writeFileSync(join(dir, 'bad.nk'), SECRET);
        expect(failure(gateway({ nkey: 'bad.nk' }))).toBe("service.json: 'gateway.nats.nkey' names bad.nk, which holds no nkey seed (one line starting with SU, as `nk -gen user` writes it)");
        seedFile('account.nk', nkeys.createAccount().getSeed());
        expect(failure(gateway({ nkey: 'account.nk' }))).toContain('holds the seed of an account nkey; a client signs in with a user nkey');
        writeFileSync(join(dir, 'bad.creds'), SECRET);
        expect(failure(gateway({ credentials: 'bad.creds' }))).toContain("'gateway.nats.credentials' names bad.creds, which is not a NATS credentials file");
        for (const message of [failure(gateway({ nkey: 'bad.nk' })), failure(gateway({ credentials: 'bad.creds' }))]) expect(message).not.toContain(SECRET);

        const certificates = makeCertificates(join(dir, 'certs'));
        expect(failure(gateway({ ca: 'certs/server.key' }))).toContain("'gateway.nats.ca' names certs/server.key, which holds no PEM certificate");
        expect(failure(gateway({ cert: 'certs/server.crt' }))).toBe("service.json: 'gateway.nats.cert' is given without 'key'; a client certificate needs both (PEM files), or give neither");
        expect(failure(gateway({ key: 'certs/server.key' }))).toContain("'gateway.nats.key' is given without 'cert'");
        expect(failure(gateway({ cert: 'certs/server.crt', key: 'certs/ca.key' }))).toContain("'gateway.nats.key' names certs/ca.key, which is not the key of that certificate in 'gateway.nats.cert' (certs/server.crt)");
        expect(certificates.otherKey).toBe(join(dir, 'certs/ca.key'));
    });

    it('refuses credentials in a server address, which would show in logs, without showing them', () =>
    {
        const message = failure(gateway({ servers: `nats://app:${SECRET}@127.0.0.1:4222` }));
        expect(message).toContain("'gateway.nats.servers' holds a server address with a user name, password or token in it; give them as 'user' and 'password' (or 'token')");
        expect(message).not.toContain(SECRET);
        // Addresses that are wrong for another reason are quoted without what comes before the @.
        expect(failure(gateway({ servers: `ws://app:${SECRET}@127.0.0.1:4222` }))).toContain("holds 'ws://***@127.0.0.1:4222': only nats:// and tls:// servers are supported");
        expect(failure(gateway({ servers: `nats://${SECRET}@bad host:4222` }))).toContain("holds 'nats://***@bad host:4222', which is not a server address");
    });

    it('says what kind of value a password or token of the wrong type is, never the value', () =>
    {
        expect(failure(gateway({ user: 'a', password: 918273645 }))).toBe("service.json: 'gateway.nats.password' must be a string, not a number");
        expect(failure(gateway({ token: 918273645 }))).toBe("service.json: 'gateway.nats.token' must be a string, not a number");
        expect(failure(gateway({ token: ['x'] }))).toBe("service.json: 'gateway.nats.token' must be a string, not an array");
        expect(failure(gateway({ user: 42, password: 'x' }))).toBe("service.json: 'gateway.nats.user' must be a string, not 42");
    });
});
