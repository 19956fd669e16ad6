import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { packPackage } from '../../init/pack-package.js';
import { launchChromium, type Chromium } from '../browser/chromium.js';
import { startJitarCommand, waitUntil, type JitarProcess } from '../e2e/jitar-app.js';

/**
 * An app laid out exactly as a Jitar app (test/fixtures/jitar-layout-app: `tsc && jitar build`, jitar.json
 * with ./dist and ./build and build.ignore, a page with the options of Jitar's Vite plugin), switched to
 * this package by changing its `jitar` dependency and nothing else: installed from a packed tarball with
 * its own TypeScript 5.9 and Vite, built with its own `npm run build`, served as its own scripts say.
 */
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/jitar-layout-app/', import.meta.url));

/** An install from the registry can take minutes on a loaded machine with a cold npm cache. */
const INSTALL_TIMEOUT = 600_000;

interface PackageJson
{
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
}

let root: string;
let jitarCommand: string;

function run(command: string, args: string[]): { status: number | null; output: string }
{
    const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: INSTALL_TIMEOUT });
    return { status: result.status, output: result.status === 0 ? '' : `${result.stdout}${result.stderr}` };
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(root, path), 'utf8')) as T;

beforeAll(() =>
{
    // Outside this repository, so that npm and Node find none of its package.json and node_modules.
    root = mkdtempSync(join(tmpdir(), 'jitar-layout-app-'));
    cpSync(FIXTURE, root, { recursive: true, filter: path => !/\/(dist|build|node_modules)$/.test(path) });
    const tarball = packPackage(REPOSITORY, join(root, 'vendor'));
    // The one edit a Jitar app makes to switch: its jitar dependency.
    const manifest = readJson<PackageJson>('package.json');
    manifest.dependencies.jitar = `file:vendor/${tarball}`;
    writeFileSync(join(root, 'package.json'), `${JSON.stringify(manifest, null, 4)}\n`);
    expect(run('npm', ['install', '--no-audit', '--no-fund'])).toEqual({ status: 0, output: '' });
    expect(run('npm', ['run', 'build'])).toEqual({ status: 0, output: '' });
    jitarCommand = join(root, 'node_modules/jitar/lib/cli/jitar.js');
}, INSTALL_TIMEOUT);

afterAll(() => rmSync(root, { recursive: true, force: true }));

test('the app differs from a Jitar app in its jitar dependency only, and builds with its own TypeScript 5.9, tsc and jitar build', () =>
{
    const fixture = JSON.parse(readFileSync(join(FIXTURE, 'package.json'), 'utf8')) as PackageJson;
    const installed = readJson<PackageJson>('package.json');
    expect({ ...installed, dependencies: { ...installed.dependencies, jitar: fixture.dependencies.jitar } }).toEqual(fixture);
    expect(installed.scripts['build-domain']).toBe('tsc && jitar build');
    expect(readJson<{ version: string }>('node_modules/typescript/package.json').version).toBe('5.9.3');
    expect(readJson<Record<string, unknown>>('jitar.json')).toMatchObject({ source: './dist', target: './build' });

    // tsc wrote dist/ (the test file too); jitar build wrote build/ from the sources, without what build.ignore names.
    expect(existsSync(join(root, 'dist/greetings/sayHello.js'))).toBe(true);
    expect(existsSync(join(root, 'dist/greetings/sayHello.test.js'))).toBe(true);
    expect(existsSync(join(root, 'build/greetings/sayHello.js'))).toBe(true);
    expect(existsSync(join(root, 'build/greetings/sayHello.test.js'))).toBe(false);
    const buildManifest = readJson<{ source: string; target: string; procedures: { fqn: string }[] }>('build/.jitar/manifest.json');
    expect([buildManifest.source, buildManifest.target]).toEqual(['src', 'build']);
    expect(buildManifest.procedures.map(procedure => procedure.fqn)).toEqual(['greetings/sayHello', 'people/findPerson']);
});

describe('served', () =>
{
    const started: JitarProcess[] = [];
    let browser: Chromium | undefined;
    afterEach(async () =>
    {
        // The browser first: a service finishes its open connections before it exits.
        await browser?.close();
        browser = undefined;
        for (const service of started.splice(0).reverse()) await service.stop();
    });

    test('standalone (its npm script\'s service file): the procedures, an error class with its status, and the page built with Jitar\'s plugin options', async () =>
    {
        const standalone = await startJitarCommand(jitarCommand, root, 'services/standalone.json');
        started.push(standalone);
        expect(await (await fetch(`${standalone.url}/rpc/greetings/sayHello?name=Bob`)).text()).toBe('Hello, Bob (41)!');
        const missing = await fetch(`${standalone.url}/rpc/greetings/sayHello?name=Zed`);
        expect([missing.status, await missing.text()]).toEqual([404, 'Nobody called Zed']);

        const html = await (await fetch(`${standalone.url}/`)).text();
        const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
        expect(script).toMatch(/^\/assets\/.+\.js$/);
        const bundle = await (await fetch(`${standalone.url}${script}`)).text();
        expect(bundle).toContain('greetings/sayHello');
        expect(bundle).not.toContain('Nobody called');

        browser = await launchChromium();
        const page = await browser.context.newPage();
        await page.goto(`${standalone.url}/`);
        await page.click('button');
        await page.locator('#answer', { hasText: /./ }).waitFor();
        expect(await page.textContent('#answer')).toBe('Hello, Ann (30)!');
    }, 120_000);

    test('a gateway and a worker per segment: a call that crosses both workers, and an error that crosses them', async () =>
    {
        const gateway = await startJitarCommand(jitarCommand, root, 'services/gateway.json');
        started.push(gateway);
        for (const service of ['services/greetings.json', 'services/people.json']) started.push(await startJitarCommand(jitarCommand, root, service, { GATEWAY: gateway.url }));

        const greet = (name: string): Promise<Response> => fetch(`${gateway.url}/rpc/greetings/sayHello?name=${name}`);
        await waitUntil(async () => (await greet('Ann')).status === 200, 'both workers to register at the gateway', 30_000);
        expect(await (await greet('Ann')).text()).toBe('Hello, Ann (30)!');
        const missing = await greet('Zed');
        expect([missing.status, await missing.text()]).toEqual([404, 'Nobody called Zed']);
    }, 120_000);
});
