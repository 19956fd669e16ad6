import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { decodeAnswer, decodeRequest, encodeAnswer, encodeRequest } from '../../runtime/nats/messages.js';
import { readServers } from '../../runtime/nats/settings.js';
import { rpcSubject } from '../../runtime/nats/subjects.js';
import { loadServiceConfig, ServiceConfigError } from '../../runtime/services/service-config.js';

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
    const failure = (content: unknown): string =>
    {
        try
        {
            load(content);
        }
        catch (error)
        {
            if (error instanceof ServiceConfigError) return error.message;
            throw error;
        }
        throw new Error('no error');
    };

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
        expect(failure({ url: 'http://127.0.0.1:3000', gateway: { nats: { servers: 'nats://x:1', user: 'me' } } })).toContain("unknown key 'user' in 'gateway.nats'");
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
