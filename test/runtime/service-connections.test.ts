import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { CONNECTION_DEFAULTS, loadServiceConfig, ServiceConfigError, type ServiceConfig } from '../../runtime/services/service-config.js';

/** The root `connections` of a service file: deadlines and channel caps, their defaults and their mistakes. */

let dir: string;

beforeEach(() =>
{
    dir = mkdtempSync(join(tmpdir(), 'jitar-service-connections-'));
    mkdirSync(join(dir, 'services'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function load(content: unknown, env: Record<string, string> = {}): ServiceConfig
{
    writeFileSync(join(dir, 'services/test.json'), JSON.stringify(content));
    return loadServiceConfig('services/test.json', { cwd: dir, env });
}

function failure(content: unknown): string
{
    try
    {
        load(content);
    }
    catch (error)
    {
        expect(error).toBeInstanceOf(ServiceConfigError);
        return (error as ServiceConfigError).message;
    }
    throw new Error('expected the load to fail');
}

const URL_ONLY = { url: 'http://127.0.0.1:3000' };

describe('connections', () =>
{
    it('has deadlines and caps for every service by default', () =>
    {
        expect(CONNECTION_DEFAULTS).toEqual({
            headersTimeout: 10_000, bodyTimeout: 30_000, keepAliveTimeout: 72_000,
            channelIdleTimeout: 300_000, channelFrameTimeout: 30_000, maxChannels: 256, maxChannelsPerPeer: 16
        });
        for (const service of [{ standalone: { segments: ['a'] } }, { gateway: {} }, { repository: {} }, { proxy: { gateway: 'http://127.0.0.1:2000' } }])
        {
            expect(load({ ...URL_ONLY, ...service }).connections).toEqual(CONNECTION_DEFAULTS);
        }
    });

    it('takes any of them from the file, the rest from the defaults, variables included', () =>
    {
        const config = load({ ...URL_ONLY, connections: { headersTimeout: 500, bodyTimeout: '${BODY}', maxChannelsPerPeer: 2 }, worker: { segments: ['a'] } }, { BODY: '1500' });
        expect(config.connections).toEqual({ ...CONNECTION_DEFAULTS, headersTimeout: 500, bodyTimeout: 1500, maxChannelsPerPeer: 2 });
    });

    it('refuses unknown keys, values that are not positive, and counts that are not whole', () =>
    {
        expect(failure({ ...URL_ONLY, connections: { idleTimeout: 5 }, gateway: {} }))
            .toBe('services/test.json: unknown key \'idleTimeout\' in \'connections\'; known keys are headersTimeout, bodyTimeout, keepAliveTimeout, channelIdleTimeout, channelFrameTimeout, maxChannels, maxChannelsPerPeer');
        expect(failure({ ...URL_ONLY, connections: { bodyTimeout: 0 }, gateway: {} })).toBe('services/test.json: \'connections.bodyTimeout\' must be a positive number of milliseconds, not 0');
        expect(failure({ ...URL_ONLY, connections: { maxChannels: 2.5 }, gateway: {} })).toBe('services/test.json: \'connections.maxChannels\' must be a whole number from 1 on, not 2.5');
        expect(failure({ ...URL_ONLY, connections: [], gateway: {} })).toBe('services/test.json: \'connections\' must be an object, not an array');
    });

    it('refuses a headers deadline longer than the body\'s, which counts from the same start', () =>
    {
        // Left out, it is shortened to the body's.
        expect(load({ ...URL_ONLY, connections: { bodyTimeout: 4000 }, gateway: {} }).connections).toMatchObject({ headersTimeout: 4000, bodyTimeout: 4000 });
        expect(failure({ ...URL_ONLY, connections: { headersTimeout: 40_000 }, gateway: {} }))
            .toBe('services/test.json: \'connections.headersTimeout\' (40000 ms) must not be longer than \'connections.bodyTimeout\' (30000 ms), which counts from the same start');
    });

    it('refuses channel settings for a service that takes no channels', () =>
    {
        expect(failure({ ...URL_ONLY, connections: { maxChannels: 4 }, repository: {} }))
            .toBe('services/test.json: \'connections.maxChannels\' applies to services that take channels (standalone, worker, gateway), not to a repository');
        expect(failure({ ...URL_ONLY, connections: { channelIdleTimeout: 4 }, proxy: { gateway: 'http://127.0.0.1:2000' } }))
            .toBe('services/test.json: \'connections.channelIdleTimeout\' applies to services that take channels (standalone, worker, gateway), not to a proxy');
        expect(load({ ...URL_ONLY, connections: { bodyTimeout: 20_000 }, proxy: { gateway: 'http://127.0.0.1:2000' } }).connections.bodyTimeout).toBe(20_000);
    });
});
