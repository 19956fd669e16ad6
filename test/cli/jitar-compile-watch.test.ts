import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { fixtureApp } from '../transformer/fixture-apps.js';
import { copyApp, waitUntil } from '../e2e/jitar-app.js';
import { runCli } from './run-cli.js';

/** `jitar-compile --watch` on a copy of the minimal fixture, edited on disk as an editor would. */
const COMPILE = fileURLToPath(new URL('../../lib/cli/jitar-compile.js', import.meta.url));
const LOADED = 40_000;

let app: { root: string; remove(): void };
let watcher: ChildProcess;
let stdout = '';
let stderr = '';

const emitted = (): string => readFileSync(join(app.root, 'dist/add.js'), 'utf8');
const source = join('src', 'add.ts');
const edit = (change: (text: string) => string): void => writeFileSync(join(app.root, source), change(readFileSync(join(app.root, source), 'utf8')));
const rounds = (): number => stdout.match(/Watching for file changes\./g)?.length ?? 0;

beforeAll(async () =>
{
    app = copyApp(fixtureApp('minimal'), 'compile-watch');
    watcher = spawn(process.execPath, [COMPILE, '--watch'], { cwd: app.root, stdio: ['ignore', 'pipe', 'pipe'] });
    watcher.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    watcher.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    await waitUntil(() =>
    {
        if (watcher.exitCode !== null) throw new Error(`jitar-compile --watch exited with ${watcher.exitCode}:\n${stdout}${stderr}`);
        return rounds() === 1;
    }, 'the first build', LOADED);
}, 2 * LOADED);

afterAll(async () =>
{
    if (watcher?.pid !== undefined && watcher.exitCode === null)
    {
        const exited = new Promise(resolve => watcher.once('exit', resolve));
        process.kill(watcher.pid, 'SIGTERM');
        await exited;
    }
    app?.remove();
});

test('the first build writes what jitar-compile writes, and says so', () =>
{
    expect(stdout).toContain('segment math');
    expect(stdout).toMatch(/Built in \d+ ms \(analysed, \d+ files written\)\. Watching for file changes\./);
    expect(existsSync(join(app.root, 'dist/.jitar/manifest.json'))).toBe(true);
    expect(existsSync(join(app.root, 'dist/.jitar/segments/math.js'))).toBe(true);
    expect(emitted()).toContain('return first + second;');
});

test('an edited body is emitted again, without analysing the app again', async () =>
{
    edit(text => text.replace('return first + second;', 'return first + second + 1000;'));
    await waitUntil(() => emitted().includes('first + second + 1000'), 'the edited body in dist/add.js', LOADED);
    await waitUntil(() => /bodies only, 1 file written/.test(stdout), 'the round to be reported', LOADED);
});

test('a type error is printed with file, line and column, and nothing is emitted until it is fixed', async () =>
{
    const before = rounds();
    edit(text => text.replace('return first + second + 1000;', "return first + second + 'broken';"));
    await waitUntil(() => /src\/add\.ts:3:5 - error TS2322: Type 'string' is not assignable to type 'number'\./.test(stderr), 'the type error on stderr', LOADED);
    await waitUntil(() => rounds() > before, 'the round to end', LOADED);
    expect(stdout).toMatch(/Found 1 error; the last good build stays\./);
    expect(emitted()).toContain('first + second + 1000');

    edit(text => text.replace("return first + second + 'broken';", 'return first + second + 2000;'));
    await waitUntil(() => emitted().includes('first + second + 2000'), 'the fixed body in dist/add.js', LOADED);
}, 3 * LOADED);

test('a changed signature analyses again: the manifest describes the new parameter', async () =>
{
    edit(text => text.replace('second: number)', 'second: number, third = 0)').replace('+ 2000;', '+ third;'));
    const parameters = (): string[] => (JSON.parse(readFileSync(join(app.root, 'dist/.jitar/manifest.json'), 'utf8')) as { procedures: { parameters: { names: { name: string }[] }[] }[] })
        .procedures[0].parameters.flatMap(parameter => parameter.names.map(name => name.name));
    await waitUntil(() => parameters().includes('third'), 'the new parameter in the manifest', LOADED);
    await waitUntil(() => emitted().includes('first + second + third'), 'the new body in dist/add.js', LOADED);
    // The first build and this round analysed; the body edits before did not.
    const analysed = (): number => stdout.match(/\(analysed, \d+ files? written\)/g)?.length ?? 0;
    await waitUntil(() => analysed() >= 2, 'the round to be reported', LOADED);
    expect(analysed()).toBe(2);
}, 2 * LOADED);

test('--watch refuses the options of single builds', () =>
{
    const run = runCli('jitar-compile', ['--watch', '--manifest-only'], app.root);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--watch emits on every change; --manifest-only is for single builds');
});
