import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runCli, type CliRun } from '../cli/run-cli.js';
import { launchChromium, type Chromium } from '../browser/chromium.js';
import { startJitarCommand } from '../e2e/jitar-app.js';

interface PackageJson
{
    name: string;
    version: string;
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
}

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const jitarPackage = JSON.parse(readFileSync(join(REPOSITORY, 'package.json'), 'utf8')) as PackageJson;
const TARBALL = `vendor/jitar-${jitarPackage.version}.tgz`;

/** An install from the registry can take minutes on a loaded machine with a cold npm cache. */
const INSTALL_TIMEOUT = 600_000;

let folder: string;

// Outside this repository, so that npm and Node find none of its package.json and node_modules.
beforeAll(() => { folder = mkdtempSync(join(tmpdir(), 'jitar-init-')); });
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Runs npm (or npx) as a user does, in `cwd`. */
function npm(command: 'npm' | 'npx', args: string[], cwd: string): CliRun
{
    const run = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: INSTALL_TIMEOUT });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A run's status, with its output when it failed: a failing assertion shows why. */
const outcome = (run: CliRun): { status: number | null; output: string } => ({ status: run.status, output: run.status === 0 ? '' : run.stdout + run.stderr });

interface Starter
{
    root: string;
    manifest: PackageJson;
}

/**
 * What README.md's "Start your own" says, from a folder outside the clone (`npx --prefix <clone>`, which is
 * what `npx jitar` does inside it), then the starter's own `npm install`: from the registry, no links.
 */
function initAndInstall(template: string): Starter
{
    const name = `starter-${template}`;
    const init = npm('npx', ['--prefix', REPOSITORY, 'jitar', 'init', `--name=${name}`, `--template=${template}`], folder);
    expect(outcome(init)).toEqual({ status: 0, output: '' });
    expect(init.stdout).toContain(`cd ${name}\n  npm install && npm run build && npm start`);

    const root = join(folder, name);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
    expect(outcome(npm('npm', ['install', '--no-audit', '--no-fund'], root))).toEqual({ status: 0, output: '' });
    return { root, manifest };
}

/** The build, as the starter's README says; the server it builds is started with the jitar the app installed. */
async function buildAndStart(starter: Starter): Promise<{ url: string; stop(): Promise<number | null> }>
{
    expect(outcome(npm('npm', ['run', 'build'], starter.root))).toEqual({ status: 0, output: '' });
    return startJitarCommand(join(starter.root, 'node_modules/.bin/jitar'), starter.root, 'services/standalone.json');
}

/** The installed jitar is the one that wrote the app, from its tarball: a real folder, not a link to this clone. */
function expectVendoredJitar(starter: Starter): void
{
    expect(starter.manifest.dependencies.jitar).toBe(`file:${TARBALL}`);
    expect(existsSync(join(starter.root, TARBALL))).toBe(true);
    const installed = join(starter.root, 'node_modules/jitar');
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect((JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as PackageJson).version).toBe(jitarPackage.version);
    expect(existsSync(join(installed, 'lib/cli/jitar.js'))).toBe(true);
}

/**
 * Puts mistakes into a page file (each `[from, to]` replaces text that must be there), removes the built
 * page, runs `npm run build`, and puts the file back; answers the build's run and the line of each mistake.
 */
function buildWithMistakes(root: string, file: string, mistakes: [string, string][]): { run: CliRun; lines: number[] }
{
    const path = join(root, file);
    const original = readFileSync(path, 'utf8');
    let text = original;
    for (const [from, to] of mistakes)
    {
        expect(text).toContain(from);
        text = text.replace(from, to);
    }
    const lines = mistakes.map(([, to]) => text.split('\n').findIndex(line => line.includes(to)) + 1);
    writeFileSync(path, text);
    rmSync(join(root, 'dist/web'), { recursive: true, force: true });
    try
    {
        return { run: npm('npm', ['run', 'build'], root), lines };
    }
    finally
    {
        writeFileSync(path, original);
    }
}

async function findAnn(url: string): Promise<unknown>
{
    const answer = await fetch(`${url}/rpc/people/findPerson?name=Ann&serialize=true`, { headers: { 'x-jitar-procedure-version': '1.0.0' } });
    return answer.json();
}

/** `?serialize=true` answers in the seed's form. */
const ANN = { serialized: true, name: 'Person', source: 'domain/Person.js', args: ['Ann', 30], fields: {} };

test('in this clone, npx jitar runs the clone\'s own jitar, not the registry\'s package of that name', () =>
{
    const version = npm('npx', ['jitar', 'version'], REPOSITORY);
    expect(outcome(version)).toEqual({ status: 0, output: '' });
    expect(version.stdout.trim()).toBe(jitarPackage.version);
});

describe('backend', () =>
{
    let starter: Starter;
    beforeAll(() => { starter = initAndInstall('backend'); }, INSTALL_TIMEOUT);

    test('a server app of two segments that installs the jitar that wrote it, builds and answers', async () =>
    {
        expect(starter.manifest.name).toBe('starter-backend');
        expect(starter.manifest.dependencies).toEqual({ jitar: `file:${TARBALL}` });
        expect(starter.manifest.scripts).toEqual({ build: 'jitar-compile', start: 'jitar start --service=services/standalone.json' });
        expect(existsSync(join(starter.root, '.gitignore'))).toBe(true);
        expectVendoredJitar(starter);

        const app = await buildAndStart(starter);
        try
        {
            expect(await findAnn(app.url)).toEqual(ANN);
            const missing = await fetch(`${app.url}/rpc/people/findPerson?name=Zed`, { headers: { 'x-jitar-procedure-version': '1.0.0' } });
            expect([missing.status, await missing.text()]).toEqual([404, 'Nobody called Zed']);
        }
        finally
        {
            await app.stop();
        }
    }, 120_000);
});

for (const [template, frontEnd, pageTools] of [['react', ['react', 'react-dom'], ['typescript', 'vite']], ['vue', ['vue'], ['typescript', 'vite', 'vue-tsc', '@vitejs/plugin-vue']]] as const)
{
    describe(template, () =>
    {
        let starter: Starter;
        beforeAll(() => { starter = initAndInstall(template); }, INSTALL_TIMEOUT);

        test('a page built with jitar/vite, served with the procedures by one standalone', async () =>
        {
            expect(Object.keys(starter.manifest.dependencies).sort()).toEqual(['jitar', ...frontEnd]);
            for (const dependency of [...frontEnd, ...pageTools]) expect({ ...starter.manifest.dependencies, ...starter.manifest.devDependencies }[dependency]).toBe(jitarPackage.devDependencies[dependency]);
            expectVendoredJitar(starter);

            const app = await buildAndStart(starter);
            let browser: Chromium | undefined;
            try
            {
                // Page code is bundled; none of it is emitted beside the server's modules.
                expect(existsSync(join(starter.root, 'dist/webui'))).toBe(false);
                const html = await (await fetch(`${app.url}/`)).text();
                const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
                expect(script).toMatch(/^\/assets\/.+\.js$/);
                const bundle = await (await fetch(`${app.url}${script}`)).text();
                expect(bundle).toContain('people/findPerson');
                expect(bundle).not.toContain('Nobody called');
                expect(await findAnn(app.url)).toEqual(ANN);

                // The starter's page works: a Person found by one segment is greeted by the other.
                browser = await launchChromium();
                const page = await browser.context.newPage();
                await page.goto(`${app.url}/`);
                await page.click('button');
                await page.locator('#answer', { hasText: /./ }).waitFor();
                expect(await page.textContent('#answer')).toBe('Hello, Ann (30)!');
                expect(await page.textContent('h1')).toBe(`starter-${template}`);
            }
            finally
            {
                // The browser first: the service finishes its open connections before it exits.
                await browser?.close();
                await app.stop();
            }
        }, 180_000);

        test('the page is type-checked with the procedures\' own types: a wrong argument stops the build at its line', () =>
        {
            const page = template === 'react' ? 'webui/App.tsx' : 'webui/App.vue';
            // findPerson takes a name (a string); in vue, a mistake in the template is caught as well.
            const mistakes: [string, string][] = template === 'react'
                ? [['findPerson(name)', 'findPerson(42)']]
                : [['findPerson(name.value)', 'findPerson(42)'], ['{{ answer }}', '{{ answer.introduce() }}']];
            const { run, lines } = buildWithMistakes(starter.root, page, mistakes);
            const output = run.stdout + run.stderr;
            expect(run.status).not.toBe(0);
            expect(output).toMatch(new RegExp(`${page}\\(${lines[0]},\\d+\\): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'`));
            if (template === 'vue') expect(output).toMatch(new RegExp(`${page}\\(${lines[1]},\\d+\\): error TS2339: Property 'introduce' does not exist on type 'string'`));
            // The page is checked before Vite bundles it.
            expect(existsSync(join(starter.root, 'dist/web'))).toBe(false);
        }, 180_000);
    });
}

test('jitar init names what is wrong with its options', () =>
{
    expect(runCli('jitar', ['init', '--name=Bad Name'], folder).stderr).toMatch(/^Invalid --name 'Bad Name': use lower-case letters/);
    expect(runCli('jitar', ['init', '--name=ok', '--template=angular'], folder).stderr).toMatch(/^Unknown --template 'angular'; use backend, react, vue/);
    expect(runCli('jitar', ['init', '--template=vue'], folder).stderr).toMatch(/^jitar init needs --name=<name>/);
    runCli('jitar', ['init', '--name=taken'], folder);
    expect(runCli('jitar', ['init', '--name=taken'], folder).stderr).toMatch(/^Folder 'taken' exists and is not empty: choose another --name/);
});
