import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { freePort, prepareApp, startJitar, type JitarProcess } from '../e2e/jitar-app.js';

/** `vite` (the dev server) with jitar/vite: the page's modules as Vite serves them, and /rpc forwarded. */
const VITE = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

let app: { root: string; remove(): void };
let jitar: JitarProcess;
let vite: ChildProcess;
let viteUrl: string;
let viteOutput = '';

beforeAll(async () =>
{
    app = prepareApp('page');
    jitar = await startJitar(app.root, 'services/standalone.json');
    const port = await freePort();
    viteUrl = `http://127.0.0.1:${port}`;
    vite = spawn(process.execPath, [VITE, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
        cwd: app.root, env: { ...process.env, RUNTIME_URL: jitar.url }, stdio: ['ignore', 'pipe', 'pipe']
    });
    vite.stdout?.on('data', (chunk: Buffer) => { viteOutput += chunk.toString(); });
    vite.stderr?.on('data', (chunk: Buffer) => { viteOutput += chunk.toString(); });

    const deadline = Date.now() + 20_000;
    for (;;)
    {
        if (vite.exitCode !== null) throw new Error(`vite exited with ${vite.exitCode}:\n${viteOutput}`);
        if (await fetch(`${viteUrl}/webui/main.ts`).then(answer => answer.ok, () => false)) break;
        if (Date.now() > deadline) throw new Error(`vite did not answer within 20 s:\n${viteOutput}`);
        await new Promise(resolve => setTimeout(resolve, 100));
    }
});

afterAll(async () =>
{
    if (vite?.pid !== undefined && vite.exitCode === null)
    {
        const exited = new Promise(resolve => vite.once('exit', resolve));
        process.kill(vite.pid, 'SIGTERM');
        await exited;
    }
    await jitar?.stop();
    app?.remove();
});

test('the dev server forwards /rpc to the running app', async () =>
{
    const answer = await fetch(`${viteUrl}/rpc/server/secretWork?name=Ann`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ text: 'SERVER-ONLY-MARKER greets Ann' });
});

test('the dev server gives the page proxies, never the server\'s modules', async () =>
{
    const main = await (await fetch(`${viteUrl}/webui/main.ts`)).text();
    const proxyUrl = /from "(\/@id\/__x00__jitar:proxy:server\/secretWork)"/.exec(main)?.[1];
    expect(proxyUrl).toBeDefined();
    expect(main).not.toContain('/src/server/secretWork');

    const proxy = await (await fetch(`${viteUrl}${proxyUrl}`)).text();
    expect(proxy).toContain('export async function secretWork(name) { return call("server/secretWork", "0.0.0", arguments); }');

    // Asked for by its URL, a server module is its proxies too: the dev server never shows its code.
    const direct = await (await fetch(`${viteUrl}/src/server/secretWork.ts`)).text();
    expect(direct).toContain('return call("server/secretWork", "0.0.0", arguments);');
    expect(direct).not.toContain('SERVER-ONLY-MARKER');
});
