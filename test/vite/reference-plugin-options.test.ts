import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { UserConfig } from 'vite';

import jitar from '../../transformer/vite/plugin.js';
import { runNode, type CliRun } from '../cli/run-cli.js';
import { prepareApp } from '../e2e/jitar-app.js';

/**
 * jitar/vite with the options of Jitar's own plugin (`@jitar/plugin-vite`): a page moves over by changing its
 * import line. Real `vite build` runs of the page fixture with a config that uses only Jitar's option names.
 */
const VITE = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

let app: { root: string; remove(): void };

beforeAll(() =>
{
    app = prepareApp('page');
    // Client middleware, as Jitar's `middleware` option names it: a module path relative to the sources.
    writeFileSync(join(app.root, 'src/shared/stamp.ts'), `export default {
    async handle(request: { setHeader(name: string, value: string): void }, next: () => Promise<unknown>) {
        request.setHeader('x-stamp', 'from-page-middleware');
        return next();
    }
};
`);
});
afterAll(() => app?.remove());

/** A Vite config with Jitar's option names only, as a page written for Jitar passes them. */
function writeConfig(pluginOptions: string): void
{
    writeFileSync(join(app.root, 'vite.reference.config.mjs'), `import jitar from 'jitar/vite';

export default {
    logLevel: 'warn',
    plugins: [jitar(${pluginOptions})],
    build: {
        outDir: 'dist/web', emptyOutDir: true, minify: false,
        rollupOptions: { input: 'webui/main.ts', preserveEntrySignatures: 'strict', output: { entryFileNames: 'main.js' } }
    }
};
`);
}

function viteBuild(pluginOptions: string): CliRun
{
    writeConfig(pluginOptions);
    rmSync(join(app.root, 'dist/web'), { recursive: true, force: true });
    return runNode([VITE, 'build', '--config', 'vite.reference.config.mjs'], app.root);
}

test('projectRoot, sourceRoot, segments and middleware mean what they mean in Jitar\'s plugin: the page holds its segment and its calls go through the middleware', async () =>
{
    const build = viteBuild(`{ projectRoot: '.', sourceRoot: 'src', jitarUrl: 'http://127.0.0.1:3000', segments: ['page'], middleware: ['./shared/stamp'] }`);
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    const bundle = readFileSync(join(app.root, 'dist/web/main.js'), 'utf8');
    expect(bundle).not.toContain('SERVER-ONLY-MARKER');

    const original = globalThis.fetch;
    const calls: string[] = [];
    globalThis.fetch = async (url: string | URL | Request, init?: RequestInit) =>
    {
        const headers = init?.headers as Record<string, string>;
        const body = JSON.parse(String(init?.body)) as { name: string };
        calls.push(`${String(url)} ${body.name} ${headers['x-stamp']}`);
        const greeting = { serialized: true, key: 'shared/Greeting', name: 'Greeting', source: 'shared/Greeting.js', args: [`hello ${body.name}`], fields: {} };
        return new Response(JSON.stringify(greeting), { status: 200, headers: { 'x-jitar-content-type': 'application/json' } });
    };
    try
    {
        const page = await import(pathToFileURL(join(app.root, 'dist/web/main.js')).href) as { both(name: string): Promise<[string, string]> };
        expect(await page.both('Ann')).toEqual(['<HELLO ANN!>', 'HELLO ANN!']);
        // decorate ran in the page (its segment), secretWork on the server, each call through the middleware.
        expect(calls).toEqual(['/rpc/server/secretWork Ann from-page-middleware', '/rpc/server/secretWork Ann from-page-middleware']);
    }
    finally
    {
        globalThis.fetch = original;
        delete (globalThis as Record<symbol, unknown>)[Symbol.for('jitar.runtime')];
    }
});

test('Jitar 0.10\'s names (sourceDir, targetDir, jitarDir) build the same page', () =>
{
    const build = viteBuild(`{ sourceDir: 'src', targetDir: 'dist', jitarDir: 'server', jitarUrl: 'http://127.0.0.1:3000', segments: [] }`);
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    expect(readFileSync(join(app.root, 'dist/web/main.js'), 'utf8')).toContain('server/secretWork');
});

test('a setting the plugin cannot honour stops the build, naming the option', () =>
{
    const wrongTarget = viteBuild(`{ sourceDir: 'src', targetDir: 'build', jitarDir: 'server' }`);
    expect(wrongTarget.status).not.toBe(0);
    expect(wrongTarget.stderr).toContain(`jitar/vite: 'targetDir' is 'build', but the app's build is in '${join(app.root, 'dist')}' (target in jitar.json)`);
    const missingMiddleware = viteBuild(`{ middleware: ['./shared/nothing'] }`);
    expect(missingMiddleware.stderr).toContain(`jitar/vite: middleware module './shared/nothing' (in the plugin's 'middleware' option) not found`);
    const wrongJitarDir = viteBuild(`{ jitarDir: 'domain' }`);
    expect(wrongJitarDir.stderr).toContain(`jitar/vite: 'jitarDir' 'domain' is not a folder of the sources`);
});

test('Jitar\'s names and ours for one setting are taken alike; both with different values, or an unknown option, is an error', () =>
{
    const proxyTarget = (options: Parameters<typeof jitar>[0]): unknown =>
    {
        const config = (jitar(options).config as () => UserConfig)();
        const proxy = config.server?.proxy?.['/rpc'];
        return typeof proxy === 'object' ? proxy.target : proxy;
    };
    expect(proxyTarget({ jitarUrl: 'http://127.0.0.1:4100' })).toBe('http://127.0.0.1:4100');
    expect(proxyTarget({ runtimeUrl: 'http://127.0.0.1:4100', jitarUrl: 'http://127.0.0.1:4100' })).toBe('http://127.0.0.1:4100');
    expect(() => jitar({ runtimeUrl: 'http://127.0.0.1:4100', jitarUrl: 'http://127.0.0.1:4200' })).toThrow(`jitar/vite: 'runtimeUrl' and 'jitarUrl' name the same setting; give one of them ('http://127.0.0.1:4100' and 'http://127.0.0.1:4200' differ)`);
    expect(() => jitar({ app: 'a', projectRoot: 'b' })).toThrow(`jitar/vite: 'app' and 'projectRoot' name the same setting`);
    expect(() => jitar({ jitarUrl: 'localhost 3000' })).toThrow(`jitar/vite: 'jitarUrl' must be a URL such as http://127.0.0.1:3000, not 'localhost 3000'`);
    expect(() => jitar({ segmnets: ['page'] } as Parameters<typeof jitar>[0])).toThrow(`jitar/vite: unknown option 'segmnets'`);
    expect(() => jitar({ segments: 'page' } as unknown as Parameters<typeof jitar>[0])).toThrow(`jitar/vite: option 'segments' must be an array of strings`);
});
