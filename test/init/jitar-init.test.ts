import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runCli } from '../cli/run-cli.js';
import { launchChromium, type Chromium } from '../browser/chromium.js';
import { linkPackages, startJitar } from '../e2e/jitar-app.js';

interface PackageJson
{
    name: string;
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
}

const jitarPackage = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageJson & { version: string };

let folder: string;

beforeAll(() => { folder = mkdtempSync(join(tmpdir(), 'jitar-init-')); });
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** `jitar init`, then what the starter's README says: install (linked here: no network), build, start. */
async function initBuildAndStart(template: string): Promise<{ root: string; manifest: PackageJson; url: string; stop(): Promise<number | null> }>
{
    const name = `starter-${template}`;
    const init = runCli('jitar', ['init', `--name=${name}`, `--template=${template}`], folder);
    expect(init.stderr).toBe('');
    expect(init.stdout).toContain(`cd ${name}\n  npm install && npm run build && npm start`);

    const root = join(folder, name);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
    linkPackages(root);
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect({ status: build.status, output: build.status === 0 ? '' : build.stdout + build.stderr }).toEqual({ status: 0, output: '' });

    const jitar = await startJitar(root, 'services/standalone.json');
    return { root, manifest, url: jitar.url, stop: jitar.stop };
}

async function findAnn(url: string): Promise<unknown>
{
    const answer = await fetch(`${url}/rpc/people/findPerson?name=Ann&serialize=true`, { headers: { 'x-jitar-procedure-version': '1.0.0' } });
    return answer.json();
}

const ANN = { serialized: true, key: 'domain/Person', name: 'Person', source: 'domain/Person.js', args: ['Ann', 30], fields: {} };

test('backend: a server app of two segments that depends on this version of jitar', async () =>
{
    const app = await initBuildAndStart('backend');
    try
    {
        expect(app.manifest.name).toBe('starter-backend');
        expect(app.manifest.dependencies).toEqual({ jitar: `^${jitarPackage.version}` });
        expect(app.manifest.scripts).toEqual({ build: 'jitar-compile', start: 'jitar start --service=services/standalone.json' });
        expect(existsSync(join(app.root, '.gitignore'))).toBe(true);
        expect(await findAnn(app.url)).toEqual(ANN);
        const missing = await fetch(`${app.url}/rpc/people/findPerson?name=Zed`, { headers: { 'x-jitar-procedure-version': '1.0.0' } });
        expect([missing.status, await missing.text()]).toEqual([404, 'Nobody called Zed']);
    }
    finally
    {
        await app.stop();
    }
});

for (const [template, frontEnd] of [['react', ['react', 'react-dom']], ['vue', ['vue']]] as const)
{
    test(`${template}: a page built with jitar/vite, served with the procedures by one standalone`, async () =>
    {
        const app = await initBuildAndStart(template);
        let browser: Chromium | undefined;
        try
        {
            expect(Object.keys(app.manifest.dependencies).sort()).toEqual(['jitar', ...frontEnd]);
            for (const dependency of [...frontEnd, 'vite']) expect(jitarPackage.devDependencies[dependency]).toBe({ ...app.manifest.dependencies, ...app.manifest.devDependencies }[dependency]);

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
