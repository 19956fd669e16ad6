import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadServiceConfig, ServiceConfigError, type ServiceConfig } from '../../runtime/services/service-config.js';

/** `standalone.serializeCalls`: off unless the file says true; anything but a boolean is refused by name. */
let dir: string;

beforeEach(() =>
{
    dir = mkdtempSync(join(tmpdir(), 'jitar-serialize-calls-'));
    mkdirSync(join(dir, 'services'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function load(service: Record<string, unknown>, env: Record<string, string> = {}): ServiceConfig
{
    writeFileSync(join(dir, 'services/standalone.json'), JSON.stringify({ url: 'http://127.0.0.1:3000', ...service }));
    return loadServiceConfig('services/standalone.json', { cwd: dir, env });
}

const serializeCallsOf = (config: ServiceConfig): boolean | undefined => config.kind === 'standalone' ? config.serializeCalls : undefined;

test('is off by default', () =>
{
    expect(serializeCallsOf(load({ standalone: { segments: ['front'] } }))).toBe(false);
});

test('is on when the file says true, also through a variable', () =>
{
    expect(serializeCallsOf(load({ standalone: { segments: ['front'], serializeCalls: true } }))).toBe(true);
    expect(serializeCallsOf(load({ standalone: { segments: ['front'], serializeCalls: '${SERIALIZE}' } }, { SERIALIZE: 'true' }))).toBe(true);
});

test('anything but true or false is an error naming the key', () =>
{
    expect(() => load({ standalone: { segments: ['front'], serializeCalls: 'yes' } })).toThrow(ServiceConfigError);
    expect(() => load({ standalone: { segments: ['front'], serializeCalls: 'yes' } })).toThrow("'standalone.serializeCalls' must be true or false");
});

test('is a standalone setting: a worker refuses it as an unknown key', () =>
{
    expect(() => load({ worker: { segments: ['front'], serializeCalls: true } })).toThrow("unknown key 'serializeCalls' in 'worker'");
});
