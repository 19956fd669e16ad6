import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { WebSocket } from 'undici';

import { fixtureApp } from '../transformer/fixture-apps.js';
import { copyApp, freePort, waitUntil } from './jitar-app.js';

/**
 * `jitar dev` on a copy of the page fixture (a server segment, a page segment, a Vite configuration):
 * each edit is made on disk as an editor would, and the test waits for the state it should lead to.
 */
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const JITAR = join(REPOSITORY, 'lib/cli/jitar.js');
const LOADED = 40_000;

let app: { root: string; remove(): void };
let dev: ChildProcess;
let output = '';
let url: string;
let viteUrl: string;

const call = async (): Promise<{ status: number; text: string }> =>
{
    const answer = await fetch(`${url}/rpc/server/secretWork?name=Ann`);
    return { status: answer.status, text: await answer.text() };
};
const answers = async (text: string): Promise<boolean> => (await call().catch(() => ({ status: 0, text: '' }))).text.includes(text);
const file = (path: string): string => join(app.root, path);
const edit = (path: string, change: (text: string) => string): void => writeFileSync(file(path), change(readFileSync(file(path), 'utf8')));

beforeAll(async () =>
{
    app = copyApp(fixtureApp('page'), 'dev');
    mkdirSync(join(app.root, 'node_modules'));
    symlinkSync(REPOSITORY, join(app.root, 'node_modules/jitar'), 'dir');
    const port = await freePort();
    const vitePort = await freePort();
    url = `http://127.0.0.1:${port}`;
    viteUrl = `http://127.0.0.1:${vitePort}`;
    dev = spawn(process.execPath, [JITAR, 'dev', `--port=${port}`, `--vite-port=${vitePort}`], { cwd: app.root, stdio: ['ignore', 'pipe', 'pipe'] });
    dev.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    dev.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    await waitUntil(async () =>
    {
        if (dev.exitCode !== null) throw new Error(`jitar dev exited with ${dev.exitCode}:\n${output}`);
        return answers('SERVER-ONLY-MARKER greets Ann');
    }, 'the first answer of jitar dev', LOADED);
    await waitUntil(() => fetch(`${viteUrl}/webui/main.ts`).then(answer => answer.ok, () => false), 'Vite\'s dev server', LOADED);
}, 2 * LOADED);

afterAll(async () =>
{
    if (dev?.pid !== undefined && dev.exitCode === null)
    {
        const exited = new Promise(resolve => dev.once('exit', resolve));
        process.kill(dev.pid, 'SIGTERM');
        await exited;
    }
    app?.remove();
});

test('it builds the app into its target and serves every segment, the page\'s too, in one process', async () =>
{
    expect(await call()).toEqual({ status: 200, text: JSON.stringify({ text: 'SERVER-ONLY-MARKER greets Ann' }) });
    const manifest = JSON.parse(readFileSync(file('dist/.jitar/manifest.json'), 'utf8')) as { segments: { name: string }[] };
    expect(manifest.segments.map(segment => segment.name)).toEqual(['page', 'server']);
    expect(output).toContain(`jitar 0.1.0 serves ${url}`);
});

test('an edited body is served on the next calls, without a restart', async () =>
{
    const pid = dev.pid;
    edit('src/server/secretWork.ts', text => text.replace('SERVER-ONLY-MARKER greets', 'EDITED greets'));
    await waitUntil(() => answers('EDITED greets Ann'), 'the edited answer', LOADED);
    expect(dev.pid).toBe(pid);
    expect(dev.exitCode).toBeNull();
    expect(output).toMatch(/Serving the change: built in \d+ ms \(bodies only\)/);
}, 2 * LOADED);

test('a type error is printed tsc-style, and the last good build keeps serving until it is fixed', async () =>
{
    edit('src/server/secretWork.ts', text => `${text}\nexport const broken: number = 'text';\n`);
    await waitUntil(() => output.includes('Found 1 error. The last good build keeps serving.'), 'the round with the error to end', LOADED);
    expect(output).toMatch(/src\/server\/secretWork\.ts:8:14 - error TS2322: Type 'string' is not assignable to type 'number'\./);
    expect(await call()).toEqual({ status: 200, text: JSON.stringify({ text: 'EDITED greets Ann' }) });

    edit('src/server/secretWork.ts', text => text.replace("\nexport const broken: number = 'text';\n", '').replace('EDITED greets', 'FIXED greets'));
    await waitUntil(() => answers('FIXED greets Ann'), 'the answer of the fixed build', LOADED);
}, 3 * LOADED);

test('a procedure moved to another segment file is served from its new segment', async () =>
{
    writeFileSync(file('segments/moved.json'), JSON.stringify({ './server/secretWork': { secretWork: { access: 'public' } } }));
    writeFileSync(file('segments/server.json'), '{}');
    const segmentsOf = (): string[] => (JSON.parse(readFileSync(file('dist/.jitar/manifest.json'), 'utf8')) as { procedures: { fqn: string; segments: string[] }[] })
        .procedures.find(procedure => procedure.fqn === 'server/secretWork')?.segments ?? [];
    await waitUntil(() => segmentsOf().join() === 'moved', 'the manifest to place secretWork in segment moved', LOADED);
    await waitUntil(() => /jitar 0\.1\.0 serves [\s\S]*jitar 0\.1\.0 serves/.test(output), 'the standalone to start over with the new segment', LOADED);
    expect(await call()).toEqual({ status: 200, text: JSON.stringify({ text: 'FIXED greets Ann' }) });

    edit('src/server/secretWork.ts', text => text.replace('FIXED greets', 'MOVED greets'));
    await waitUntil(() => answers('MOVED greets Ann'), 'an edit of the moved procedure to be served', LOADED);
}, 3 * LOADED);

test('an edited page file is served by Vite\'s dev server, which tells the page over its HMR socket', async () =>
{
    const client = await (await fetch(`${viteUrl}/@vite/client`)).text();
    const token = /wsToken = "([^"]*)"/.exec(client)?.[1] ?? /__WS_TOKEN__\s*=\s*"([^"]*)"/.exec(client)?.[1];
    expect(token).toBeDefined();
    const messages: string[] = [];
    const socket = new WebSocket(`ws://127.0.0.1:${new URL(viteUrl).port}/?token=${encodeURIComponent(token ?? '')}`, 'vite-hmr');
    socket.addEventListener('message', event => { messages.push(String(event.data)); });
    await waitUntil(() => messages.some(message => message.includes('"connected"')), 'Vite\'s HMR socket to connect', LOADED);
    // Vite sends updates for modules a page has loaded: this socket's page asks for main.ts first.
    expect((await fetch(`${viteUrl}/webui/main.ts`)).status).toBe(200);

    edit('webui/main.ts', text => `${text}\nexport const PAGE_EDIT_MARKER = 'page edited';\n`);
    await waitUntil(async () => (await (await fetch(`${viteUrl}/webui/main.ts`)).text()).includes('PAGE_EDIT_MARKER'), 'Vite to serve the edited page module', LOADED);
    await waitUntil(() => messages.some(message => /"type":"(update|full-reload)"/.test(message) && message.includes('webui/main.ts')), 'an update or reload message for main.ts on the HMR socket', LOADED);
    socket.close();
}, 3 * LOADED);
