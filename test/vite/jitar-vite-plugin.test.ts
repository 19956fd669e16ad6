import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { runNode, type CliRun } from '../cli/run-cli.js';
import { prepareApp } from '../e2e/jitar-app.js';

/**
 * jitar/vite in real `vite build` runs of a small app: a server segment, a segment the page may hold,
 * and page code that imports both. The fixture's Vite config lists the bundle's modules for the test.
 */
const VITE = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

let app: { root: string; remove(): void };

beforeAll(() => { app = prepareApp('page'); });
afterAll(() => app?.remove());

function viteBuild(env: Record<string, string> = {}): CliRun
{
    rmSync(join(app.root, 'dist/web'), { recursive: true, force: true });
    return runNode([VITE, 'build'], app.root, env);
}

function bundledModules(): string[]
{
    return (JSON.parse(readFileSync(join(app.root, 'dist/modules.json'), 'utf8')) as string[]).map(id => id.replace(app.root, '.'));
}

interface AnswerStub { calls: string[]; restore(): void }

/** Answers every RPC request of the page with a Greeting, as the server would, and records the paths. */
function stubFetch(): AnswerStub
{
    const original = globalThis.fetch;
    const calls: string[] = [];
    globalThis.fetch = async (url: string | URL | Request, init?: RequestInit) =>
    {
        const body = JSON.parse(String(init?.body)) as { name: string };
        calls.push(`${String(url)} ${body.name}`);
        const greeting = { serialized: true, key: 'shared/Greeting', name: 'Greeting', source: 'shared/Greeting.js', args: [`hello ${body.name}`], fields: {} };
        return new Response(JSON.stringify(greeting), { status: 200, headers: { 'x-jitar-content-type': 'application/json' } });
    };
    return { calls, restore: () => { globalThis.fetch = original; } };
}

test('imports of server procedures become proxies: no server segment\'s code enters the page', () =>
{
    const build = viteBuild();
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);

    const modules = bundledModules();
    expect(modules).toContain('\0jitar:proxy:server/secretWork');
    expect(modules).toContain('\0jitar:proxy:page/decorate');
    expect(modules).toContain('./src/shared/Greeting.ts');
    expect(modules.filter(id => id.startsWith('./src/server/') || id.startsWith('./src/page/'))).toEqual([]);
    expect(readFileSync(join(app.root, 'dist/web/main.js'), 'utf8')).not.toContain('SERVER-ONLY-MARKER');
});

test('a segment the page holds runs in the page, its calls to the server go over fetch, and classes come back as themselves', async () =>
{
    const build = viteBuild({ PAGE_SEGMENTS: 'page' });
    expect(build.stderr).toBe('');
    const modules = bundledModules();
    // The page's own code reaches decorate through its proxy, as shared code does; the client runs it in place.
    expect(modules).toEqual(expect.arrayContaining(['./src/page/decorate.ts', '\0jitar:segment:page', '\0jitar:proxy:page/decorate']));
    expect(modules.filter(id => id.startsWith('./src/server/'))).toEqual([]);

    const stub = stubFetch();
    try
    {
        const page = await import(pathToFileURL(join(app.root, 'dist/web/main.js')).href) as { both(name: string): Promise<[string, string]> };
        expect(await page.both('Ann')).toEqual(['<HELLO ANN!>', 'HELLO ANN!']);
        // decorate ran here; only secretWork crossed, with the name as its wire argument.
        expect(stub.calls).toEqual(['/rpc/server/secretWork Ann', '/rpc/server/secretWork Ann']);
    }
    finally
    {
        stub.restore();
        delete (globalThis as Record<symbol, unknown>)[Symbol.for('jitar.runtime')];
    }
});

test('a module that only server segments hold stops the build when something would load it into the page', () =>
{
    const build = viteBuild({ ENTRY: 'src/server/secretWork.ts' });
    expect(build.status).not.toBe(0);
    expect(build.stderr).toContain("jitar/vite: 'server/secretWork.ts' belongs to segment 'server', which runs on a server, and must not enter the page");
});

test('a page segment that the app does not have stops the build, naming the segments it has', () =>
{
    const build = viteBuild({ PAGE_SEGMENTS: 'client' });
    expect(build.status).not.toBe(0);
    expect(build.stderr).toContain("jitar/vite: segment 'client' (in the plugin's 'segments' option) is not in the app's build; its segments are 'page', 'server'");
});
