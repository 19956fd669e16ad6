import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CONNECTION_DEFAULTS, loadServiceConfig, METRICS_DEFAULTS, ServiceConfigError, SERVICE_DEFAULTS, type LoadServiceConfigOptions, type ServiceConfig } from '../../runtime/services/service-config.js';
import { parseEnvContent } from '../../runtime/config/env-file.js';
import { makeCertificates, type TestCertificates } from '../certificates.js';

let dir: string;

beforeEach(() =>
{
    dir = mkdtempSync(join(tmpdir(), 'jitar-service-config-'));
    mkdirSync(join(dir, 'services'));
});

afterEach(() =>
{
    rmSync(dir, { recursive: true, force: true });
});

/** Writes `services/<name>` (JSON unless `content` is already text) and returns its path relative to `dir`. */
function write(name: string, content: unknown): string
{
    const file = `services/${name}`;
    writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 4));
    return file;
}

/** Loads `content` as services/<name>, in `dir`, with an empty environment unless given. */
function load(content: unknown, options: LoadServiceConfigOptions = {}, name = 'test.json'): ServiceConfig
{
    return loadServiceConfig(write(name, content), { cwd: dir, env: {}, ...options });
}

/** The message of the ServiceConfigError that loading `content` throws. */
function failure(content: unknown, options: LoadServiceConfigOptions = {}, name = 'test.json'): string
{
    try
    {
        load(content, options, name);
    }
    catch (error)
    {
        expect(error).toBeInstanceOf(ServiceConfigError);
        expect(error).toBeInstanceOf(Error);
        const message = (error as ServiceConfigError).message;
        expect(message).not.toContain('\n');
        return message;
    }
    throw new Error('expected the load to fail');
}

const URL_ONLY = { url: 'http://127.0.0.1:3000' };

// One CA and server certificate (for 127.0.0.1 and localhost) for the whole file: openssl takes a while.
let madeCertificates: TestCertificates | undefined;
beforeAll(() => { madeCertificates = makeCertificates(mkdtempSync(join(tmpdir(), 'jitar-service-config-certs-'))); });
afterAll(() => { if (madeCertificates !== undefined) rmSync(madeCertificates.dir, { recursive: true, force: true }); });

function certificates(): TestCertificates
{
    if (madeCertificates === undefined) throw new Error('the certificates are made in beforeAll');
    return madeCertificates;
}

/** A `tls` section naming the test certificates by absolute path. */
const tlsOf = (made: TestCertificates, ca = true): Record<string, string> => ({ cert: made.cert, key: made.key, ...ca ? { ca: made.ca } : {} });

const common = (file = 'services/test.json') => ({
    file: join(dir, file),
    url: 'http://127.0.0.1:3000',
    protocol: 'http',
    host: '127.0.0.1',
    port: 3000,
    setUp: [],
    tearDown: [],
    healthChecks: [],
    middleware: [],
    tls: undefined,
    connections: CONNECTION_DEFAULTS,
    metrics: METRICS_DEFAULTS
});

describe('every service kind, with its defaults', () =>
{
    test('standalone', () =>
    {
        expect(load({ ...URL_ONLY, standalone: { segments: ['default'] } })).toStrictEqual({
            kind: 'standalone', ...common(),
            segments: ['default'],
            assets: [], assetRoot: undefined, indexFilename: 'index.html', serveIndexOnNotFound: false,
            trustKey: undefined, requestTimeout: 60000, serializeCalls: false
        });
    });

    test('standalone with every field', () =>
    {
        const config = load({
            url: 'http://localhost:8080',
            setUp: ['./setUp'], tearDown: ['./tearDown'], healthChecks: ['./health/db'], middleware: ['./auth', './log'],
            standalone: { segments: ['a', 'b'], assets: ['*.html', 'assets/**/*'], assetRoot: './public', indexFilename: 'app.html', serveIndexOnNotFound: true, trustKey: 'secret', serializeCalls: true }
        });
        expect(config).toStrictEqual({
            kind: 'standalone', ...common(),
            url: 'http://localhost:8080', host: 'localhost', port: 8080,
            setUp: ['./setUp'], tearDown: ['./tearDown'], healthChecks: ['./health/db'], middleware: ['./auth', './log'],
            segments: ['a', 'b'],
            assets: ['*.html', 'assets/**/*'], assetRoot: './public', indexFilename: 'app.html', serveIndexOnNotFound: true,
            trustKey: 'secret', requestTimeout: 60000, serializeCalls: true
        });
    });

    test('worker', () =>
    {
        expect(load({ ...URL_ONLY, worker: { segments: ['orders'], gateway: 'http://127.0.0.1:2000' } })).toStrictEqual({
            kind: 'worker', ...common(),
            segments: ['orders'], gateway: 'http://127.0.0.1:2000', trustKey: undefined, reportInterval: 5000, requestTimeout: 60000
        });
    });

    test('a worker without a gateway serves alone', () =>
    {
        const config = load({ ...URL_ONLY, worker: { segments: ['default'], trustKey: 'k', reportInterval: 1000 } });
        expect(config).toMatchObject({ kind: 'worker', gateway: undefined, trustKey: 'k', reportInterval: 1000 });
    });

    test('gateway', () =>
    {
        expect(load({ ...URL_ONLY, gateway: {} })).toStrictEqual({
            kind: 'gateway', ...common(),
            monitorInterval: 5000, trustKey: undefined, unavailableThreshold: 6000, stoppedThreshold: 18000, requestTimeout: 60000
        });
    });

    test('gateway with root remoteWorker thresholds', () =>
    {
        const config = load({ ...URL_ONLY, remoteWorker: { unavailableThreshold: 2000, stoppedThreshold: 9000 }, gateway: { monitorInterval: 1000, trustKey: 'k' } });
        expect(config).toMatchObject({ kind: 'gateway', monitorInterval: 1000, trustKey: 'k', unavailableThreshold: 2000, stoppedThreshold: 9000 });
        expect(load({ ...URL_ONLY, remoteWorker: { stoppedThreshold: 30000 }, gateway: {} })).toMatchObject({ unavailableThreshold: 6000, stoppedThreshold: 30000 });
    });

    test('repository', () =>
    {
        expect(load({ ...URL_ONLY, repository: { assets: ['index.html'] } })).toStrictEqual({
            kind: 'repository', ...common(),
            assets: ['index.html'], assetRoot: undefined, indexFilename: 'index.html', serveIndexOnNotFound: false
        });
    });

    test('proxy to a gateway, with a repository', () =>
    {
        expect(load({ ...URL_ONLY, proxy: { gateway: 'http://127.0.0.1:2000', repository: 'http://127.0.0.1:4000' } })).toStrictEqual({
            kind: 'proxy', ...common(),
            rpcTarget: { kind: 'gateway', url: 'http://127.0.0.1:2000' }, repository: 'http://127.0.0.1:4000', requestTimeout: 60000
        });
    });

    test('proxy to a worker', () =>
    {
        expect(load({ ...URL_ONLY, proxy: { worker: 'http://127.0.0.1:5000' } })).toMatchObject({
            kind: 'proxy', rpcTarget: { kind: 'worker', url: 'http://127.0.0.1:5000' }, repository: undefined
        });
    });

    test('the defaults are exported', () =>
    {
        expect(SERVICE_DEFAULTS).toEqual({ reportInterval: 5000, monitorInterval: 5000, unavailableThreshold: 6000, stoppedThreshold: 18000, requestTimeout: 60000, indexFilename: 'index.html', serveIndexOnNotFound: false });
    });

    test('the kind narrows the type', () =>
    {
        const config = load({ ...URL_ONLY, worker: { segments: ['default'] } });
        const interval: number = config.kind === 'worker' ? config.reportInterval : 0;
        expect(interval).toBe(5000);
    });

    test('file is absolute, also when the file is given by an absolute path', () =>
    {
        write('abs.json', { ...URL_ONLY, gateway: {} });
        expect(loadServiceConfig(join(dir, 'services/abs.json'), { cwd: '/', env: {} }).file).toBe(join(dir, 'services/abs.json'));
    });
});

describe('urls', () =>
{
    test('default ports, https, a trailing slash, IPv6', () =>
    {
        expect(load({ url: 'http://example.com', gateway: {} })).toMatchObject({ url: 'http://example.com', protocol: 'http', host: 'example.com', port: 80 });
        expect(load({ url: 'https://localhost/', tls: tlsOf(certificates()), gateway: {} })).toMatchObject({ url: 'https://localhost', protocol: 'https', host: 'localhost', port: 443 });
        expect(load({ url: 'http://example.com:80', gateway: {} })).toMatchObject({ url: 'http://example.com', port: 80 });
        expect(load({ url: 'HTTPS://LocalHost:8443', tls: tlsOf(certificates()), gateway: {} })).toMatchObject({ url: 'https://localhost:8443', protocol: 'https', host: 'localhost', port: 8443 });
        expect(load({ url: 'http://[::1]:3000', gateway: {} })).toMatchObject({ url: 'http://[::1]:3000', host: '::1', port: 3000 });
    });

    test.each([
        ['localhost:3000', 'must start with http:// or https://'],
        ['127.0.0.1:3000', 'must start with http:// or https://'],
        ['ftp://127.0.0.1:3000', 'must use http:// or https://'],
        ['http://127.0.0.1:99999', 'cannot be parsed (check the host name and that the port is from 1 to 65535)'],
        ['http://127.0.0.1:0', 'uses port 0, which cannot be reached'],
        ['http://127.0.0.1:3000/api', 'must not have a path, query or fragment'],
        ['http://127.0.0.1:3000?x=1', 'must not have a path, query or fragment'],
        ['http://user:pw@127.0.0.1:3000', 'must not hold a user name or password']
    ])('%s is not a service url', (url, reason) =>
    {
        expect(failure({ url, gateway: {} })).toBe(`services/test.json: 'url' is not a valid service URL: "${url}" ${reason}; write it like "http://127.0.0.1:3000"`);
    });

    test('remote urls are checked and normalized the same way', () =>
    {
        expect(load({ ...URL_ONLY, worker: { segments: ['a'], gateway: 'http://gateway:2000/' } })).toMatchObject({ gateway: 'http://gateway:2000' });
        expect(failure({ ...URL_ONLY, worker: { segments: ['a'], gateway: 'gateway:2000' } }))
            .toBe(`services/test.json: 'worker.gateway' is not a valid service URL: "gateway:2000" must start with http:// or https://; write it like "http://127.0.0.1:3000"`);
        expect(failure({ ...URL_ONLY, proxy: { gateway: 'http://gateway:2000', repository: 'http://repo/assets' } }))
            .toBe(`services/test.json: 'proxy.repository' is not a valid service URL: "http://repo/assets" must not have a path, query or fragment; write it like "http://127.0.0.1:3000"`);
    });

    test('a url that is not a string', () =>
    {
        expect(failure({ url: 3000, gateway: {} })).toBe(`services/test.json: 'url' must be a URL string, not 3000`);
    });
});

describe('aliases', () =>
{
    test('middlewares is middleware', () =>
    {
        expect(load({ ...URL_ONLY, middlewares: ['./cors'], gateway: {} })).toMatchObject({ middleware: ['./cors'] });
    });

    test('index is indexFilename, in a standalone and in a repository', () =>
    {
        expect(load({ ...URL_ONLY, standalone: { segments: ['a'], index: 'main.html' } })).toMatchObject({ indexFilename: 'main.html' });
        expect(load({ ...URL_ONLY, repository: { index: 'main.html' } })).toMatchObject({ indexFilename: 'main.html' });
    });

    test('an alias and its canonical name together', () =>
    {
        expect(failure({ ...URL_ONLY, middleware: [], middlewares: [], gateway: {} }))
            .toBe(`services/test.json: both 'middlewares' and 'middleware' are given; they mean the same, keep one`);
        expect(failure({ ...URL_ONLY, repository: { index: 'a.html', indexFilename: 'b.html' } }))
            .toBe(`services/test.json: both 'repository.index' and 'repository.indexFilename' are given; they mean the same, keep one`);
    });

    test('errors name the key as the file writes it', () =>
    {
        expect(failure({ ...URL_ONLY, middlewares: ['./a', 7], gateway: {} })).toBe(`services/test.json: 'middlewares[1]' must be a string, not 7`);
        expect(failure({ ...URL_ONLY, standalone: { segments: ['a'], index: false } })).toBe(`services/test.json: 'standalone.index' must be a string, not false`);
    });

    test('index is not an alias in a worker', () =>
    {
        expect(failure({ ...URL_ONLY, worker: { segments: ['a'], index: 'x.html' } }))
            .toBe(`services/test.json: unknown key 'index' in 'worker'; known keys are segments, gateway, trustKey, reportInterval, requestTimeout, nats`);
    });
});

describe('${VAR}', () =>
{
    const workerWith = (gateway: string) => ({ ...URL_ONLY, worker: { segments: ['default'], gateway } });

    test('from the environment', () =>
    {
        expect(load(workerWith('${GATEWAY_URL}'), { env: { GATEWAY_URL: 'http://gateway:2000' } })).toMatchObject({ gateway: 'http://gateway:2000' });
    });

    test('process.env by default', () =>
    {
        process.env.JITAR_TEST_SERVICE_PORT = '3456';
        try
        {
            expect(loadServiceConfig(write('env.json', { url: 'http://127.0.0.1:${JITAR_TEST_SERVICE_PORT}', gateway: {} }), { cwd: dir })).toMatchObject({ port: 3456 });
        }
        finally
        {
            delete process.env.JITAR_TEST_SERVICE_PORT;
        }
    });

    test('from .env in cwd', () =>
    {
        writeFileSync(join(dir, '.env'), '# the gateway\nGATEWAY_URL=http://from-file:2000\nexport TRUST="a key"\n');
        const config = load({ ...URL_ONLY, worker: { segments: ['default'], gateway: '${GATEWAY_URL}', trustKey: '${TRUST}' } });
        expect(config).toMatchObject({ gateway: 'http://from-file:2000', trustKey: 'a key' });
    });

    test('from a named env file', () =>
    {
        writeFileSync(join(dir, 'production.env'), 'GATEWAY_URL=http://prod:2000\n');
        writeFileSync(join(dir, '.env'), 'GATEWAY_URL=http://dev:2000\n');
        expect(load(workerWith('${GATEWAY_URL}'), { envFile: 'production.env' })).toMatchObject({ gateway: 'http://prod:2000' });
    });

    test('the environment overrides the file; an undefined entry does not', () =>
    {
        writeFileSync(join(dir, '.env'), 'GATEWAY_URL=http://from-file:2000\nTRUST=file-key\n');
        const config = load({ ...URL_ONLY, worker: { segments: ['default'], gateway: '${GATEWAY_URL}', trustKey: '${TRUST}' } },
            { env: { GATEWAY_URL: 'http://from-env:2000', TRUST: undefined } });
        expect(config).toMatchObject({ gateway: 'http://from-env:2000', trustKey: 'file-key' });
    });

    test('inside a larger string, several times, in arrays and at every level', () =>
    {
        const config = load({
            url: 'http://${HOST}:${PORT}',
            setUp: ['./${APP}/setUp'],
            standalone: { segments: ['${APP}', 'shared'], assetRoot: '${HOME_DIR}/public' }
        }, { env: { HOST: 'example.com', PORT: '3000', APP: 'shop', HOME_DIR: '/srv' } });
        expect(config).toMatchObject({ url: 'http://example.com:3000', port: 3000, setUp: ['./shop/setUp'], segments: ['shop', 'shared'], assetRoot: '/srv/public' });
    });

    test('a replaced value is not scanned again, and a lone $ stays', () =>
    {
        expect(load({ ...URL_ONLY, gateway: { trustKey: 'pa$$${KEY}' } }, { env: { KEY: '${OTHER}' } })).toMatchObject({ trustKey: 'pa$$${OTHER}' });
    });

    test('a value that is one variable gives numbers and booleans', () =>
    {
        const env = { INTERVAL: '2500', SPA: 'true' };
        expect(load({ ...URL_ONLY, worker: { segments: ['a'], reportInterval: '${INTERVAL}' } }, { env })).toMatchObject({ reportInterval: 2500 });
        expect(load({ ...URL_ONLY, repository: { serveIndexOnNotFound: '${SPA}' } }, { env })).toMatchObject({ serveIndexOnNotFound: true });
        expect(failure({ ...URL_ONLY, worker: { segments: ['a'], reportInterval: '${SPA}' } }, { env }))
            .toBe(`services/test.json: 'worker.reportInterval' must be a positive number of milliseconds, not true (from \${SPA})`);
        expect(failure({ ...URL_ONLY, worker: { segments: ['a'], reportInterval: '${INTERVAL}ms' } }, { env }))
            .toBe(`services/test.json: 'worker.reportInterval' must be a positive number of milliseconds, not "\${INTERVAL}ms"`);
    });

    test('an unset variable names the variable, the file and the key', () =>
    {
        expect(failure(workerWith('${GATEWAY_URL}'), {}, 'worker.json'))
            .toBe(`services/worker.json: 'worker.gateway' uses \${GATEWAY_URL}, which is not set; set it in the environment or in a .env file`);
    });

    test('an unset variable, with a .env file that lacks it', () =>
    {
        writeFileSync(join(dir, '.env'), 'OTHER=1\n');
        expect(failure({ url: 'http://${HOST}:3000', gateway: {} }))
            .toBe(`services/test.json: 'url' uses \${HOST}, which is not set; set it in the environment or in .env`);
        writeFileSync(join(dir, 'prod.env'), 'OTHER=1\n');
        expect(failure({ ...URL_ONLY, standalone: { segments: ['a', '${SEGMENT}'] } }, { envFile: 'prod.env' }))
            .toBe(`services/test.json: 'standalone.segments[1]' uses \${SEGMENT}, which is not set; set it in the environment or in prod.env`);
    });

    test('a variable that is set but empty counts as set', () =>
    {
        expect(load({ ...URL_ONLY, gateway: { trustKey: 'k${SUFFIX}' } }, { env: { SUFFIX: '' } })).toMatchObject({ trustKey: 'k' });
        expect(failure({ ...URL_ONLY, gateway: { trustKey: '${KEY}' } }, { env: { KEY: '' } }))
            .toBe(`services/test.json: 'gateway.trustKey' must not be empty (it is "" from \${KEY})`);
    });

    test('a malformed reference', () =>
    {
        expect(failure({ ...URL_ONLY, gateway: { trustKey: '${KEY' } }))
            .toBe(`services/test.json: 'gateway.trustKey' has a '\${' without its closing '}'; a variable is written \${NAME}`);
        expect(failure({ ...URL_ONLY, gateway: { trustKey: '${1KEY}' } }))
            .toBe(`services/test.json: 'gateway.trustKey' uses \${1KEY}, which is not a variable name (letters, digits and _, not starting with a digit)`);
    });

    test('a named env file that does not exist', () =>
    {
        expect(failure({ ...URL_ONLY, gateway: {} }, { envFile: 'missing.env' })).toBe('missing.env: file not found');
    });

    test('a line of the env file that is not NAME=value', () =>
    {
        writeFileSync(join(dir, '.env'), 'A=1\nGATEWAY_URL\nB=2\n');
        expect(failure(workerWith('${B}'))).toBe('.env:2: expected NAME=value, not "GATEWAY_URL"');
        writeFileSync(join(dir, '.env'), 'A=1\n\nexport FOO\nB=2\n');
        expect(failure(workerWith('${A}'))).toBe('.env:3: expected NAME=value, not "FOO"');
    });

    test('the default .env is only read when a value uses a variable', () =>
    {
        writeFileSync(join(dir, '.env'), 'A=1\nbroken\nB=2\n');
        expect(load({ ...URL_ONLY, gateway: {} })).toMatchObject({ kind: 'gateway' });
    });

    test('parseEnvContent keeps quoted multi-line values', () =>
    {
        expect(parseEnvContent('A="one\ntwo"\nB=\'x y\' # comment\n')).toEqual({ A: 'one\ntwo', B: 'x y' });
    });

    test('unknown keys are reported before variables inside them', () =>
    {
        expect(failure({ ...URL_ONLY, worker: { segments: ['a'], gatway: '${GATEWAY_URL}' } }))
            .toBe(`services/test.json: unknown key 'gatway' in 'worker'; known keys are segments, gateway, trustKey, reportInterval, requestTimeout, nats; did you mean 'gateway'?`);
    });
});

describe('errors', () =>
{
    test('the service file does not exist', () =>
    {
        expect(() => loadServiceConfig('services/nope.json', { cwd: dir, env: {} })).toThrow(ServiceConfigError);
        expect(() => loadServiceConfig('services/nope.json', { cwd: dir, env: {} })).toThrow(/^services\/nope\.json: service file not found$/);
        expect(() => loadServiceConfig('services', { cwd: dir, env: {} })).toThrow(/^services: is a folder, not a service file$/);
    });

    test('the error carries the file and the key', () =>
    {
        let caught: unknown;
        try { load({ ...URL_ONLY, worker: { segments: 'default' } }); }
        catch (error) { caught = error; }
        expect(caught).toBeInstanceOf(ServiceConfigError);
        expect(caught).toMatchObject({ name: 'ServiceConfigError', file: 'services/test.json', key: 'worker.segments' });
    });

    test.each([
        ['{\n    "url": "http://127.0.0.1:3000",\n    "gateway": {},\n}', '4:1: invalid JSON: trailing comma'],
        ['{\n    "url": "http://127.0.0.1:3000"\n    "gateway": {}\n}', "3:5: invalid JSON: expected ',' or '}', found '\"'"],
        ['{ url: "x" }', "1:3: invalid JSON: expected a property name in double quotes, found 'u'"],
        ['{ "url": \'x\' }', "1:10: invalid JSON: expected a value, found '''"],
        ['{ "url": "http://x:1", // comment\n "gateway": {} }', "1:24: invalid JSON: expected a property name in double quotes, found '/'"],
        ['{ "url": "http://x:1"', "1:22: invalid JSON: expected ',' or '}', found the end of the file"],
        ['{ "url": "http://x:1 }', '1:10: invalid JSON: unterminated string'],
        ['', '1:1: invalid JSON: expected a value, found the end of the file'],
        ['{} {}', "1:4: invalid JSON: unexpected '{' after the end of the JSON value"]
    ])('invalid JSON: %j', (text, expected) =>
    {
        expect(failure(text)).toBe(`services/test.json:${expected}`);
    });

    test('a byte order mark is not a JSON error', () =>
    {
        expect(load(`\ufeff${JSON.stringify({ ...URL_ONLY, gateway: {} })}`)).toMatchObject({ kind: 'gateway' });
    });

    test('the root is not an object', () =>
    {
        expect(failure([URL_ONLY])).toBe(`services/test.json: the service file must hold a JSON object (with "url" and one of standalone, worker, gateway, repository, proxy), not an array`);
    });

    test('an unknown key in the service object', () =>
    {
        expect(failure({ ...URL_ONLY, standalone: { segmnts: ['default'] } }, {}, 'standalone.json'))
            .toBe(`services/standalone.json: unknown key 'segmnts' in 'standalone'; known keys are segments, assets, assetRoot, indexFilename, serveIndexOnNotFound, trustKey, openapi, requestTimeout, serializeCalls; did you mean 'segments'?`);
    });

    test('a typo gets the nearest known key; a key near none gets none', () =>
    {
        expect(failure({ ...URL_ONLY, worker: { segmnts: ['a'] } }, {}, 'worker.json'))
            .toBe(`services/worker.json: unknown key 'segmnts' in 'worker'; known keys are segments, gateway, trustKey, reportInterval, requestTimeout, nats; did you mean 'segments'?`);
        expect(failure({ ...URL_ONLY, setup: ['./up'], gateway: {} })).toMatch(/unknown key 'setup' at the root; known keys are url, .*; did you mean 'setUp'\?$/);
        expect(failure({ ...URL_ONLY, gateway: { banana: 1 } })).toBe(`services/test.json: unknown key 'banana' in 'gateway'; known keys are monitorInterval, trustKey, requestTimeout, openapi, nats`);
    });

    test('the $schema key for editors is accepted and changes nothing', () =>
    {
        expect(load({ $schema: '../node_modules/jitar/schemas/service.schema.json', ...URL_ONLY, gateway: {} })).toStrictEqual(load({ ...URL_ONLY, gateway: {} }));
    });

    test('several unknown keys at the root', () =>
    {
        expect(failure({ ...URL_ONLY, port: 3000, host: 'x', gateway: {} }))
            .toBe(`services/test.json: unknown keys 'port' and 'host' at the root; known keys are url, setUp, tearDown, healthChecks, middleware, remoteWorker, tls, connections, metrics, standalone, worker, gateway, repository, proxy`);
    });

    test('unknown keys in every service kind and in remoteWorker', () =>
    {
        expect(failure({ ...URL_ONLY, gateway: { reportInterval: 5 } })).toBe(`services/test.json: unknown key 'reportInterval' in 'gateway'; known keys are monitorInterval, trustKey, requestTimeout, openapi, nats`);
        expect(failure({ ...URL_ONLY, repository: { segments: [] } })).toBe(`services/test.json: unknown key 'segments' in 'repository'; known keys are assets, assetRoot, indexFilename, serveIndexOnNotFound`);
        expect(failure({ ...URL_ONLY, proxy: { gateway: 'http://g:1', trustKey: 'k', x: 1, y: 2 } })).toBe(`services/test.json: unknown keys 'trustKey', 'x' and 'y' in 'proxy'; known keys are gateway, worker, repository, requestTimeout`);
        expect(failure({ ...URL_ONLY, remoteWorker: { stopThreshold: 1 }, gateway: {} })).toBe(`services/test.json: unknown key 'stopThreshold' in 'remoteWorker'; known keys are unavailableThreshold, stoppedThreshold; did you mean 'stoppedThreshold'?`);
    });

    test('no service key', () =>
    {
        expect(failure(URL_ONLY)).toBe(`services/test.json: no service key; give exactly one of standalone, worker, gateway, repository, proxy`);
    });

    test('several service keys', () =>
    {
        expect(failure({ ...URL_ONLY, worker: { segments: ['a'] }, gateway: {} }))
            .toBe(`services/test.json: several service keys ('worker' and 'gateway'); a file configures one service, so keep exactly one of them`);
    });

    test('missing url', () =>
    {
        expect(failure({ gateway: {} })).toBe(`services/test.json: missing required key 'url' (where this service listens, such as "http://127.0.0.1:3000")`);
    });

    test('missing segments in a standalone and in a worker', () =>
    {
        expect(failure({ ...URL_ONLY, standalone: {} })).toBe(`services/test.json: missing required key 'segments' in 'standalone' (the names of the segments it serves, such as ["default"])`);
        expect(failure({ ...URL_ONLY, worker: { gateway: 'http://g:2000' } })).toBe(`services/test.json: missing required key 'segments' in 'worker' (the names of the segments it serves, such as ["default"])`);
    });

    test('a proxy without gateway and worker, or with both', () =>
    {
        expect(failure({ ...URL_ONLY, proxy: { repository: 'http://r:4000' } }))
            .toBe(`services/test.json: 'proxy' needs 'gateway' or 'worker' (the URL it forwards RPC requests to, such as "http://127.0.0.1:2000")`);
        expect(failure({ ...URL_ONLY, proxy: { gateway: 'http://g:2000', worker: 'http://w:3000' } }))
            .toBe(`services/test.json: 'proxy' has both 'gateway' and 'worker'; it forwards RPC to one of them, keep one`);
    });

    test.each([
        [{ standalone: { segments: 'default' } }, `'standalone.segments' must be an array of segment names (strings), not "default"`],
        [{ worker: { segments: ['a', 2] } }, `'worker.segments[1]' must be a string, not 2`],
        [{ worker: { segments: ['a', ''] } }, `'worker.segments[1]' must not be empty`],
        [{ worker: { segments: [['a']] } }, `'worker.segments[0]' must be a string, not an array`],
        [{ worker: { segments: ['a'], reportInterval: 0 } }, `'worker.reportInterval' must be a positive number of milliseconds, not 0`],
        [{ worker: { segments: ['a'], reportInterval: -5 } }, `'worker.reportInterval' must be a positive number of milliseconds, not -5`],
        [{ worker: { segments: ['a'], reportInterval: '5000' } }, `'worker.reportInterval' must be a positive number of milliseconds, not "5000"`],
        [{ standalone: { segments: ['a'], requestTimeout: 3_000_000_000 } }, `'standalone.requestTimeout' must be at most 2147483647 milliseconds (about 24.8 days), not 3000000000`],
        [{ gateway: { monitorInterval: null } }, `'gateway.monitorInterval' must be a positive number of milliseconds, not null`],
        [{ remoteWorker: { unavailableThreshold: 'soon' }, gateway: {} }, `'remoteWorker.unavailableThreshold' must be a positive number of milliseconds, not "soon"`],
        [{ remoteWorker: [], gateway: {} }, `'remoteWorker' must be an object, not an array`],
        [{ gateway: { trustKey: 42 } }, `'gateway.trustKey' must be a string, not 42`],
        [{ repository: { serveIndexOnNotFound: 'yes' } }, `'repository.serveIndexOnNotFound' must be true or false, not "yes"`],
        [{ repository: { assets: '*.html' } }, `'repository.assets' must be an array of file patterns (strings), not "*.html"`],
        [{ setUp: './setUp', gateway: {} }, `'setUp' must be an array of module paths (strings), not "./setUp"`],
        [{ healthChecks: {}, gateway: {} }, `'healthChecks' must be an array of module paths (strings), not an object`],
        [{ tearDown: [null], gateway: {} }, `'tearDown[0]' must be a string, not null`],
        [{ gateway: true }, `'gateway' must be an object, not true`],
        [{ worker: ['a'] }, `'worker' must be an object, not an array`]
    ])('wrong type: %j', (fields, expected) =>
    {
        expect(failure({ ...URL_ONLY, ...fields })).toBe(`services/test.json: ${expected}`);
    });
});

describe('root keys by service kind', () =>
{
    const SERVICES = {
        standalone: { standalone: { segments: ['a'] } },
        worker: { worker: { segments: ['a'] } },
        gateway: { gateway: {} },
        repository: { repository: {} },
        proxy: { proxy: { gateway: 'http://g:2000' } }
    } as const;
    const KINDS = Object.keys(SERVICES) as (keyof typeof SERVICES)[];

    test.each(KINDS)('a %s uses url, setUp, tearDown and healthChecks', kind =>
    {
        expect(load({ ...URL_ONLY, setUp: ['./up'], tearDown: ['./down'], healthChecks: ['./db'], ...SERVICES[kind] }))
            .toMatchObject({ kind, setUp: ['./up'], tearDown: ['./down'], healthChecks: ['./db'] });
    });

    test.each(['standalone', 'worker', 'gateway', 'proxy'] as const)('a %s runs middleware', kind =>
    {
        expect(load({ ...URL_ONLY, middleware: ['./auth', './cors'], ...SERVICES[kind] })).toMatchObject({ kind, middleware: ['./auth', './cors'] });
        expect(load({ ...URL_ONLY, middlewares: ['./cors'], ...SERVICES[kind] })).toMatchObject({ kind, middleware: ['./cors'] });
    });

    test('a repository refuses middleware, named as the file writes it, even an empty list', () =>
    {
        const expected = (key: string): string => `services/repo.json: '${key}' is not used by a repository service; it serves no RPC requests for middleware to run around, so remove the key`;
        expect(failure({ ...URL_ONLY, middleware: ['./cors'], repository: {} }, {}, 'repo.json')).toBe(expected('middleware'));
        expect(failure({ ...URL_ONLY, middlewares: ['./cors'], repository: {} }, {}, 'repo.json')).toBe(expected('middlewares'));
        expect(failure({ ...URL_ONLY, middleware: [], repository: {} }, {}, 'repo.json')).toBe(expected('middleware'));
    });

    test.each(['standalone', 'worker', 'repository', 'proxy'] as const)('a %s refuses remoteWorker', kind =>
    {
        expect(failure({ ...URL_ONLY, remoteWorker: { unavailableThreshold: 2000 }, ...SERVICES[kind] }, {}, `${kind}.json`))
            .toBe(`services/${kind}.json: 'remoteWorker' is not used by a ${kind} service; only a gateway uses it (when it counts its workers unavailable and stopped), so move it to the gateway's service file`);
    });

    test('the unused key is named before what is wrong inside it', () =>
    {
        expect(failure({ ...URL_ONLY, remoteWorker: 'soon', worker: { segments: ['a'] } }))
            .toBe(`services/test.json: 'remoteWorker' is not used by a worker service; only a gateway uses it (when it counts its workers unavailable and stopped), so move it to the gateway's service file`);
        expect(failure({ ...URL_ONLY, middleware: 7, repository: {} }))
            .toBe(`services/test.json: 'middleware' is not used by a repository service; it serves no RPC requests for middleware to run around, so remove the key`);
    });
});

describe('tls', () =>
{
    const HTTPS = { url: 'https://127.0.0.1:3443' };

    /** The test certificates copied into `dir/certs`, for paths relative to the app root. */
    function copyCertificates(): void
    {
        mkdirSync(join(dir, 'certs'));
        for (const name of ['server.crt', 'server.key', 'ca.crt', 'ca.key']) copyFileSync(join(certificates().dir, name), join(dir, 'certs', name));
    }

    test('an https url serves with the cert and key the file names, relative to the app root, and trusts its ca', () =>
    {
        copyCertificates();
        const config = load({ ...HTTPS, tls: { cert: './certs/server.crt', key: 'certs/server.key', ca: './certs/ca.crt' }, gateway: {} });
        expect(config).toMatchObject({ protocol: 'https', url: 'https://127.0.0.1:3443', port: 3443 });
        expect(config.tls).toStrictEqual({
            cert: { path: join(dir, 'certs/server.crt'), pem: readFileSync(join(dir, 'certs/server.crt')) },
            key: { path: join(dir, 'certs/server.key'), pem: readFileSync(join(dir, 'certs/server.key')) },
            ca: { path: join(dir, 'certs/ca.crt'), pem: readFileSync(join(dir, 'certs/ca.crt')) }
        });
    });

    test('ca is optional (Node\'s default CAs are trusted then), and every kind takes tls', () =>
    {
        expect(load({ ...HTTPS, tls: tlsOf(certificates(), false), gateway: {} }).tls?.ca).toBeUndefined();
        for (const service of [{ worker: { segments: ['a'], gateway: 'https://127.0.0.1:2000' } }, { proxy: { gateway: 'https://127.0.0.1:2000' } }])
        {
            expect(load({ ...HTTPS, tls: tlsOf(certificates()), ...service }).tls?.ca?.path).toBe(certificates().ca);
        }
        for (const service of [{ standalone: { segments: ['a'] } }, { repository: {} }])
        {
            expect(load({ ...HTTPS, tls: tlsOf(certificates(), false), ...service }).tls?.cert.path).toBe(certificates().cert);
        }
    });

    test('ca is refused where the service calls no other service, since it would be ignored', () =>
    {
        expect(failure({ ...HTTPS, tls: tlsOf(certificates()), standalone: { segments: ['a'] } }))
            .toBe(`services/test.json: 'tls.ca' says which CA to trust when calling other https services, and a standalone calls none; remove it`);
        expect(failure({ ...HTTPS, tls: tlsOf(certificates()), repository: {} }))
            .toBe(`services/test.json: 'tls.ca' says which CA to trust when calling other https services, and a repository calls none; remove it`);
        expect(failure({ ...HTTPS, tls: tlsOf(certificates()), worker: { segments: ['a'] } }))
            .toBe(`services/test.json: 'tls.ca' says which CA to trust when calling other https services, and a worker without a gateway calls none; remove it`);
    });

    test('paths come from variables like any string', () =>
    {
        copyCertificates();
        expect(load({ ...HTTPS, tls: { cert: '${CERTS}/server.crt', key: '${CERTS}/server.key' }, gateway: {} }, { env: { CERTS: './certs' } }).tls?.key.path).toBe(join(dir, 'certs/server.key'));
    });

    test('an https url without tls is refused', () =>
    {
        expect(failure({ ...HTTPS, gateway: {} }))
            .toBe(`services/test.json: 'url' is https://127.0.0.1:3443, but there is no 'tls' with the certificate and key to serve it; add "tls": { "cert": "./certs/server.crt", "key": "./certs/server.key" } (PEM files) or use an http:// url`);
    });

    test('tls with an http url is refused, not ignored', () =>
    {
        expect(failure({ ...URL_ONLY, tls: tlsOf(certificates()), gateway: {} }))
            .toBe(`services/test.json: 'tls' is set, but 'url' is http://127.0.0.1:3000, which serves plain HTTP; make 'url' https:// or remove 'tls' (an http service trusts a private CA by NODE_EXTRA_CA_CERTS)`);
        expect(failure({ ...URL_ONLY, tls: {}, gateway: {} })).toMatch(/^services\/test\.json: 'tls' is set, but 'url' is http:/);
    });

    test('cert and key are required, unknown keys are refused', () =>
    {
        const { cert, key, ca } = certificates();
        expect(failure({ ...HTTPS, tls: { key }, gateway: {} }))
            .toBe(`services/test.json: missing required key 'cert' in 'tls' (the certificate to serve with: a PEM file relative to the app root, such as "./certs/server.crt")`);
        expect(failure({ ...HTTPS, tls: { cert, ca }, gateway: {} }))
            .toBe(`services/test.json: missing required key 'key' in 'tls' (the certificate's private key: a PEM file relative to the app root, such as "./certs/server.key")`);
        expect(failure({ ...HTTPS, tls: { cert, key, passphrase: 'x', requestCert: true }, gateway: {} }))
            .toBe(`services/test.json: unknown keys 'passphrase' and 'requestCert' in 'tls'; known keys are cert, key, ca`);
    });

    test.each([
        [{ tls: './certs' }, `'tls' must be an object, not "./certs"`],
        [{ tls: { cert: 1, key: 'k' } }, `'tls.cert' must be a file path, not 1`],
        [{ tls: { cert: '', key: 'k' } }, `'tls.cert' must not be empty`]
    ])('wrong type: %j', (fields, expected) =>
    {
        expect(failure({ ...HTTPS, ...fields, gateway: {} })).toBe(`services/test.json: ${expected}`);
    });

    test('a file that is missing, a folder or unreadable is named with its key', () =>
    {
        copyCertificates();
        const files = { cert: './certs/server.crt', key: './certs/server.key' };
        expect(failure({ ...HTTPS, tls: { ...files, cert: './certs/nope.crt' }, gateway: {} })).toBe(`services/test.json: 'tls.cert' names certs/nope.crt, which is not found`);
        expect(failure({ ...HTTPS, tls: { ...files, key: './certs' }, gateway: {} })).toBe(`services/test.json: 'tls.key' names certs, which is a folder, not a PEM file`);
        expect(failure({ ...HTTPS, tls: { ...files, ca: './certs/nope.crt' }, gateway: {} })).toBe(`services/test.json: 'tls.ca' names certs/nope.crt, which is not found`);
        // root reads everything: the permission check only means something for other users.
        if (process.getuid?.() !== 0)
        {
            chmodSync(join(dir, 'certs/server.key'), 0o000);
            expect(failure({ ...HTTPS, tls: files, gateway: {} })).toBe(`services/test.json: 'tls.key' names certs/server.key, which cannot be read (permission denied)`);
        }
    });

    test('files that are not the PEM they should be', () =>
    {
        copyCertificates();
        writeFileSync(join(dir, 'certs/garbage.pem'), 'not a certificate\n');
        const truncated = readFileSync(join(dir, 'certs/server.crt'), 'latin1').replace(/\n[A-Za-z0-9+/=]+\n-----END/, '\nAAAA\n-----END');
        writeFileSync(join(dir, 'certs/truncated.crt'), truncated);
        const files = { cert: './certs/server.crt', key: './certs/server.key' };

        expect(failure({ ...HTTPS, tls: { ...files, cert: './certs/garbage.pem' }, gateway: {} }))
            .toBe(`services/test.json: 'tls.cert' names certs/garbage.pem, which holds no PEM certificate (a block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----)`);
        expect(failure({ ...HTTPS, tls: { ...files, cert: './certs/server.key' }, gateway: {} })).toMatch(/^services\/test\.json: 'tls\.cert' names certs\/server\.key, which holds no PEM certificate/);
        expect(failure({ ...HTTPS, tls: { ...files, cert: './certs/truncated.crt' }, gateway: {} })).toMatch(/^services\/test\.json: 'tls\.cert' names certs\/truncated\.crt, which holds a certificate that cannot be read \(.+\)$/);
        expect(failure({ ...HTTPS, tls: { ...files, key: './certs/server.crt' }, gateway: {} }))
            .toBe(`services/test.json: 'tls.key' names certs/server.crt, which holds no PEM private key (a block from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----)`);
        execFileSync('openssl', ['pkey', '-in', join(dir, 'certs/server.key'), '-aes256', '-passout', 'pass:secret', '-out', join(dir, 'certs/encrypted.key')]);
        expect(failure({ ...HTTPS, tls: { ...files, key: './certs/encrypted.key' }, gateway: {} }))
            .toBe(`services/test.json: 'tls.key' names certs/encrypted.key, which holds an encrypted private key; jitar takes an unencrypted one (openssl pkey -in encrypted.key -out plain.key)`);
        expect(failure({ ...HTTPS, tls: { ...files, ca: './certs/garbage.pem' }, gateway: {} }))
            .toBe(`services/test.json: 'tls.ca' names certs/garbage.pem, which holds no PEM certificate (a block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----)`);
    });

    test('a key that is not the certificate\'s', () =>
    {
        copyCertificates();
        expect(failure({ ...HTTPS, tls: { cert: './certs/server.crt', key: './certs/ca.key' }, gateway: {} }))
            .toBe(`services/test.json: 'tls.key' names certs/ca.key, which is not the key of that certificate in 'tls.cert' (certs/server.crt)`);
    });

    test('a certificate that is not for the url\'s host', () =>
    {
        copyCertificates();
        expect(failure({ url: 'https://127.0.0.2:3443', tls: { cert: './certs/server.crt', key: './certs/server.key' }, gateway: {} }))
            .toBe(`services/test.json: 'tls.cert' names certs/server.crt, which is not for 127.0.0.2 (it is for IP Address:127.0.0.1, DNS:localhost), the host of 'url': clients would refuse it`);
        expect(failure({ url: 'https://example.com', tls: { cert: './certs/server.crt', key: './certs/server.key' }, gateway: {} }))
            .toMatch(/'tls\.cert' names certs\/server\.crt, which is not for example\.com \(/);
    });
});
