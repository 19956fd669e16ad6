import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createPlainServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';

import { ChannelClient } from '../../runtime/channel/channel-client.js';
import { HttpClient } from '../../runtime/transport/http-client.js';
import { ConnectionRefused } from '../../runtime/transport/transport.js';
import { ChannelServer } from '../../runtime/channel/channel-server.js';
import { text } from '../../runtime/channel/messages.js';
import { CONNECTION_DEFAULTS } from '../../runtime/services/service-config.js';
import { makeCertificates, type TestCertificates } from '../certificates.js';

/**
 * Channels and HTTP between jitar processes to https origins, both ends in this process on 127.0.0.1: the
 * channel is upgraded over TLS with the certificate checked against the CA the client is given, and a
 * handshake that fails is a refused connection that says why.
 */

const silent = pino({ level: 'silent' });
const cleanup: (() => Promise<void> | void)[] = [];
let certificates: TestCertificates;
let ca: Buffer;

beforeAll(() =>
{
    certificates = makeCertificates(mkdtempSync(join(tmpdir(), 'jitar-channel-tls-')));
    ca = readFileSync(certificates.ca);
});

afterAll(() => rmSync(certificates.dir, { recursive: true, force: true }));

afterEach(async () =>
{
    for (const step of cleanup.splice(0).reverse()) await step();
});

/** A server that answers channel requests with their path, and HTTP requests with "over HTTP" (and counts them). */
async function serve(tls: boolean): Promise<{ origin: string; httpRequests: string[] }>
{
    const httpRequests: string[] = [];
    const channels = new ChannelServer({ handle: request => Promise.resolve(text(200, `channel ${request.path}`)), bodyLimit: 1024 * 1024, log: silent, limits: CONNECTION_DEFAULTS });
    const onRequest = (request: { method?: string; url?: string }, response: { end(body: string): void }): void =>
    {
        httpRequests.push(`${request.method} ${request.url}`);
        response.end('over HTTP');
    };
    const server: Server = tls ? createTlsServer({ cert: readFileSync(certificates.cert), key: readFileSync(certificates.key) }, onRequest) : createPlainServer(onRequest);
    channels.attach(server);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>(resolve =>
    {
        channels.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
    }));
    return { origin: `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`, httpRequests };
}

function channelClient(trusted?: Buffer): ChannelClient
{
    const made = new ChannelClient(5000, trusted);
    cleanup.push(() => made.close());
    return made;
}

function httpClient(trusted?: Buffer): HttpClient
{
    const made = new HttpClient(5000, trusted);
    cleanup.push(() => made.close());
    return made;
}

const failureOf = (sending: Promise<unknown>): Promise<unknown> => sending.then(() => undefined, (error: unknown) => error);

describe('channels to https origins', () =>
{
    it('are upgraded over TLS, trusting the CA given, and carry many requests', async () =>
    {
        const { origin, httpRequests } = await serve(true);
        const client = channelClient(ca);
        const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => client.send(origin, { method: 'GET', path: `/rpc/a/b?n=${index}`, headers: [] })));
        expect(answers.map(answer => `${answer.status} ${answer.body.toString()}`)).toEqual(Array.from({ length: 50 }, (_, index) => `200 channel /rpc/a/b?n=${index}`));
        // None fell back to HTTP.
        expect(httpRequests).toEqual([]);
    });

    it('are refused, sending nothing, when the certificate is not signed by a trusted CA', async () =>
    {
        const { origin, httpRequests } = await serve(true);
        const failure = await failureOf(channelClient().send(origin, { method: 'GET', path: '/rpc/a/b', headers: [] }));
        expect(failure).toBeInstanceOf(ConnectionRefused);
        expect((failure as Error).message).toBe(`Cannot connect to ${origin}: its certificate is not accepted (UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate); the service file's tls.ca (or NODE_EXTRA_CA_CERTS) must name the CA that signed it, and it must be for the URL's host`);
        expect(httpRequests).toEqual([]);
    });

    it('are refused with a reason when the origin does not speak TLS', async () =>
    {
        const { origin, httpRequests } = await serve(false);
        const pretending = origin.replace('http:', 'https:');
        const failure = await failureOf(channelClient(ca).send(pretending, { method: 'GET', path: '/rpc/a/b', headers: [] }));
        expect(failure).toBeInstanceOf(ConnectionRefused);
        expect((failure as Error).message).toBe(`Cannot connect to ${pretending}: the TLS handshake failed (wrong version number); does it serve https?`);
        expect(httpRequests).toEqual([]);
    });
});

describe('HTTP to https origins', () =>
{
    it('trusts the CA given', async () =>
    {
        const { origin, httpRequests } = await serve(true);
        const answer = await httpClient(ca).send(origin, { method: 'POST', path: '/workers', headers: {}, body: '{}' });
        expect([answer.status, answer.body.toString()]).toEqual([200, 'over HTTP']);
        expect(httpRequests).toEqual(['POST /workers']);
    });

    it('refuses a certificate no trusted CA signed as a connection not made, saying why', async () =>
    {
        const { origin, httpRequests } = await serve(true);
        const failure = await failureOf(httpClient().send(origin, { method: 'POST', path: '/workers', headers: {}, body: '{}' }));
        expect(failure).toBeInstanceOf(ConnectionRefused);
        expect((failure as Error).message).toMatch(/^Cannot connect to https:\/\/127\.0\.0\.1:\d+: its certificate is not accepted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: /);
        expect(httpRequests).toEqual([]);
    });
});
