import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createAccount, createOperator, createUser, encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { nkeys } from '@nats-io/transport-node';

import { makeCertificates, makeClientCertificate, type TestCertificates } from '../certificates.js';
import { failingStart, freePort, prepareApp, startJitar, waitUntil, type JitarProcess } from './jitar-app.js';
import { startNatsServer, type NatsServer, type NatsServerOptions } from './nats-server.js';

/**
 * A worker and a NATS gateway joining a nats-server that requires authentication, or TLS with a private
 * CA, over real processes on 127.0.0.1: each test starts its own server with its own settings, the
 * worker (segment stock of the cluster fixture) and the gateway with a `nats` key that says how to sign
 * in, and makes a call through the gateway. Secrets come from variables and must show in no output.
 */

jest.setTimeout(120_000);

const PASSWORD = 'Pw-7f3a9c-not-for-logs';
const TOKEN = 'Tk-51e0b2-not-for-logs';

describe('a worker and a gateway on a NATS server that requires authentication or TLS', () =>
{
    let app: ReturnType<typeof prepareApp>;
    let certificates: TestCertificates;
    let nats: NatsServer | undefined;
    let started: JitarProcess[] = [];

    beforeAll(() =>
    {
        app = prepareApp('cluster');
        certificates = makeCertificates(join(app.root, 'certs'));
        mkdirSync(join(app.root, 'keys'));
    });

    afterEach(async () =>
    {
        await Promise.all(started.map(process => process.stop()));
        started = [];
        await nats?.stop();
        nats = undefined;
    });

    afterAll(() => app?.remove());

    /** Writes a worker's and a gateway's service file whose `nats` key holds `settings` (besides the servers). */
    const serviceFiles = (name: string, settings: Record<string, string>): { worker: string; gateway: string } =>
    {
        const nats = { servers: '${NATS_URL}', ...settings };
        const worker = `services/auth-${name}-worker.json`;
        const gateway = `services/auth-${name}-gateway.json`;
        writeFileSync(join(app.root, worker), JSON.stringify({ url: 'http://127.0.0.1:${PORT}', worker: { segments: ['stock'], reportInterval: 500, nats } }));
        writeFileSync(join(app.root, gateway), JSON.stringify({ url: 'http://127.0.0.1:${PORT}', gateway: { nats } }));
        return { worker, gateway };
    };

    /** Starts the server, the worker and the gateway, and gives the gateway's answer to a call the worker serves. */
    const callThrough = async (server: NatsServerOptions, name: string, settings: Record<string, string>, env: Record<string, string> = {}): Promise<{ status: number; body: string }> =>
    {
        nats = await startNatsServer(server);
        const files = serviceFiles(name, settings);
        const withUrl = { NATS_URL: nats.url, ...env };
        const worker = await startJitar(app.root, files.worker, withUrl);
        started.push(worker);
        const gateway = await startJitar(app.root, files.gateway, withUrl);
        started.push(gateway);
        await waitUntil(async () => (await (await fetch(`${gateway.url}/workers`)).json() as unknown[]).length === 1, 'the gateway to list the worker');
        const response = await fetch(`${gateway.url}/rpc/stock/echo?text=through%20NATS`);
        const answer = { status: response.status, body: await response.text() };
        for (const process of started) expect(process.output()).toContain(`Connected to NATS at 127.0.0.1:${nats.port}`);
        return answer;
    };

    const outputs = (): string => started.map(process => process.output()).join('\n');

    it('serves a call through a server that requires a user and password, the password shown nowhere', async () =>
    {
        const answer = await callThrough({ args: ['--user', 'app', '--pass', PASSWORD] }, 'user', { user: 'app', password: '${NATS_PASSWORD}' }, { NATS_PASSWORD: PASSWORD });
        expect(answer).toEqual({ status: 200, body: 'through NATS' });
        expect(outputs()).toContain('as the user and password');
        expect(outputs()).not.toContain(PASSWORD);
    });

    it('keeps trying when the server refuses the password after a restart, says so once, and serves again once it is accepted', async () =>
    {
        const settings = { user: 'app', password: '${NATS_PASSWORD}' };
        expect((await callThrough({ args: ['--user', 'app', '--pass', PASSWORD] }, 'rotated', settings, { NATS_PASSWORD: PASSWORD })).status).toBe(200);
        const first = nats;
        if (first === undefined) throw new Error('no server');
        const [worker, gateway] = started;
        const refusal = (kind: string): string => `Could not reconnect to NATS: authorization failed: the server refused the user and password of '${kind}.nats'; trying again until it is accepted`;
        const count = (text: string, part: string): number => text.split(part).length - 1;

        // The same port, another password: the processes' reconnections are refused.
        await first.stop();
        const other = await startNatsServer({ port: first.port, args: ['--user', 'app', '--pass', `${PASSWORD}-rotated`] });
        nats = other;
        await waitUntil(() => worker.output().includes(refusal('worker')) && gateway.output().includes(refusal('gateway')), 'both to tell that the server refuses them');
        // Refused again and again (the server logs each), told once.
        await waitUntil(() => count(other.output(), 'authentication error') >= 6, 'several refused reconnections');
        expect(count(worker.output(), refusal('worker'))).toBe(1);
        expect(count(gateway.output(), refusal('gateway'))).toBe(1);

        // The password the processes have is accepted again: they come back by themselves.
        await other.stop();
        nats = await startNatsServer({ port: first.port, args: ['--user', 'app', '--pass', PASSWORD] });
        await waitUntil(() => worker.output().includes('Reconnected to NATS') && gateway.output().includes('Reconnected to NATS'), 'both to reconnect');
        await waitUntil(async () => (await fetch(`${gateway.url}/rpc/stock/echo?text=again`)).status === 200, 'the call to be served again');
        expect(outputs()).not.toContain(PASSWORD);
    });

    it('serves a call through a server that requires a token, the token shown nowhere', async () =>
    {
        const answer = await callThrough({ args: ['--auth', TOKEN] }, 'token', { token: '${NATS_TOKEN}' }, { NATS_TOKEN: TOKEN });
        expect(answer).toEqual({ status: 200, body: 'through NATS' });
        expect(outputs()).toContain('as the token');
        expect(outputs()).not.toContain(TOKEN);
    });

    it('serves a call through a server that knows the user by its nkey, the seed read from a file relative to the app root', async () =>
    {
        const pair = nkeys.createUser();
        const seed = new TextDecoder().decode(pair.getSeed());
        writeFileSync(join(app.root, 'keys/app.nk'), `${seed}\n`);
        const answer = await callThrough({ config: `authorization { users = [ { nkey: "${pair.getPublicKey()}" } ] }\n` }, 'nkey', { nkey: './keys/app.nk' });
        expect(answer).toEqual({ status: 200, body: 'through NATS' });
        expect(outputs()).toContain('as the nkey');
        expect(outputs()).not.toContain(seed);
    });

    it('serves a call through a server in operator mode with a .creds file (decentralized auth), the seed shown nowhere', async () =>
    {
        // What nsc would make: an operator, an account it signs, a user the account signs, the user's .creds.
        const operator = createOperator();
        const account = createAccount();
        const user = createUser();
        const unlimited = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1, disallow_bearer: false };
        const accountJwt = await encodeAccount('app', account, { limits: unlimited }, { signer: operator });
        writeFileSync(join(app.root, 'keys/worker.creds'), fmtCreds(await encodeUser('worker', user, account), user));
        const config = [
            `operator: "${await encodeOperator('jitar-test', operator)}"`,
            'resolver: MEMORY',
            `resolver_preload: { ${account.getPublicKey()}: "${accountJwt}" }`
        ].join('\n');
        const answer = await callThrough({ config }, 'creds', { credentials: 'keys/worker.creds' });
        expect(answer).toEqual({ status: 200, body: 'through NATS' });
        expect(outputs()).toContain('as the credentials');
        expect(outputs()).not.toContain(new TextDecoder().decode(user.getSeed()));

        // A user of an account the server does not know is refused: the server does check the JWT.
        const stranger = createUser();
        writeFileSync(join(app.root, 'keys/stranger.creds'), fmtCreds(await encodeUser('stranger', stranger, createAccount()), stranger));
        const { gateway } = serviceFiles('stranger', { credentials: 'keys/stranger.creds' });
        const server = nats;
        if (server === undefined) throw new Error('the server has gone');
        const result = await failingStart(app.root, gateway, { NATS_URL: server.url, PORT: String(await freePort()) });
        expect(result.code).not.toBe(0);
        expect(result.output).toContain("authorization failed: the server refused the credentials of 'gateway.nats'");
    });

    it('serves a call over tls:// with a private CA given as ca', async () =>
    {
        const answer = await callThrough({ tls: true, args: ['--tls', '--tlscert', certificates.cert, '--tlskey', certificates.key] }, 'tls', { ca: './certs/ca.crt' });
        expect(answer).toEqual({ status: 200, body: 'through NATS' });
    });

    it('serves a call over mutual TLS: the server verifies the client certificate given as cert and key', async () =>
    {
        makeClientCertificate(certificates);
        const server: NatsServerOptions = { tls: true, args: ['--tlsverify', '--tlscert', certificates.cert, '--tlskey', certificates.key, '--tlscacert', certificates.ca] };
        const answer = await callThrough(server, 'mtls', { ca: 'certs/ca.crt', cert: 'certs/client.crt', key: 'certs/client.key' });
        expect(answer).toEqual({ status: 200, body: 'through NATS' });
    });

    it('ends the start, with a hint, when a server that verifies client certificates gets none', async () =>
    {
        nats = await startNatsServer({ tls: true, args: ['--tlsverify', '--tlscert', certificates.cert, '--tlskey', certificates.key, '--tlscacert', certificates.ca] });
        const { gateway } = serviceFiles('no-client-cert', { ca: 'certs/ca.crt' });
        const result = await failingStart(app.root, gateway, { NATS_URL: nats.url, PORT: String(await freePort()) });
        expect(result.code).not.toBe(0);
        expect(result.output).toContain(`Could not connect to the NATS servers ${nats.url}: the connection did not complete within 10 s; a server that verifies client certificates (mutual TLS) drops a client without one this way: give 'cert' and 'key' in 'gateway.nats'`);
    });

    it('does not talk plain text to a tls:// address whose server has no TLS', async () =>
    {
        nats = await startNatsServer();
        const { worker } = serviceFiles('plain', {});
        const result = await failingStart(app.root, worker, { NATS_URL: `tls://127.0.0.1:${nats.port}`, PORT: String(await freePort()) });
        expect(result.code).not.toBe(0);
        expect(result.output).toContain(`Could not connect to the NATS servers tls://127.0.0.1:${nats.port}: server does not support 'tls'`);
    });

    it('does not start over tls:// without the private CA: the server certificate is not trusted', async () =>
    {
        nats = await startNatsServer({ tls: true, args: ['--tls', '--tlscert', certificates.cert, '--tlskey', certificates.key] });
        const { worker } = serviceFiles('untrusted', {});
        const result = await failingStart(app.root, worker, { NATS_URL: nats.url, PORT: String(await freePort()) });
        expect(result.code).not.toBe(0);
        expect(result.output).toContain(`Could not connect to the NATS servers ${nats.url}: unable to verify the first certificate`);
    });

    it('ends the start with one clear line when the server refuses the password, and shows it nowhere', async () =>
    {
        nats = await startNatsServer({ args: ['--user', 'app', '--pass', PASSWORD] });
        const wrong = `${PASSWORD}-wrong`;
        for (const [kind, file] of Object.entries(serviceFiles('wrong', { user: 'app', password: '${NATS_PASSWORD}' })))
        {
            const result = await failingStart(app.root, file, { NATS_URL: nats.url, NATS_PASSWORD: wrong, PORT: String(await freePort()) });
            expect(result.code).not.toBe(0);
            const lines = result.output.split('\n').filter(line => line.includes('authorization failed'));
            expect(lines).toHaveLength(1);
            expect(lines[0]).toContain(`Could not connect to the NATS servers ${nats.url}: authorization failed: the server refused the user and password of '${kind}.nats'`);
            expect(result.output).not.toContain(PASSWORD);
        }
    });

    it('ends the start naming the key when the server requires authentication and the file gives none', async () =>
    {
        nats = await startNatsServer({ args: ['--auth', TOKEN] });
        const { gateway } = serviceFiles('none', {});
        const result = await failingStart(app.root, gateway, { NATS_URL: nats.url, PORT: String(await freePort()) });
        expect(result.code).not.toBe(0);
        expect(result.output).toContain("authorization failed: the server requires authentication, and 'gateway.nats' gives none");
        expect(result.output).not.toContain(TOKEN);
    });
});
