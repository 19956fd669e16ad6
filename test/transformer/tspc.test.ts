import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { fixtureApp } from './fixture-apps.js';
import { runCli, runNode } from '../cli/run-cli.js';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const TSPC = join(REPOSITORY, 'node_modules/ts-patch/bin/tspc.js');

let root: string;

/** Every file under `folder` with its content, by relative path. */
function tree(folder: string): Map<string, string>
{
    const files = readdirSync(folder, { recursive: true, withFileTypes: true }).filter(entry => entry.isFile());
    return new Map(files.map(entry => [relative(folder, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name), 'utf8')]));
}

beforeAll(() =>
{
    // A copy of the app that depends on this package the way a user's app does, through node_modules/jitar.
    root = mkdtempSync(join(tmpdir(), 'jitar-tspc-'));
    cpSync(fixtureApp('split'), root, { recursive: true, filter: source => !source.endsWith('/dist') });
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(REPOSITORY, join(root, 'node_modules/jitar'), 'dir');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

test('tspc with the jitar/transformer plugin emits what jitar-compile emits', () =>
{
    const compiled = runCli('jitar-compile', [], root);
    expect(compiled.status).toBe(0);
    renameSync(join(root, 'dist'), join(root, 'dist-compile'));

    const manifestOnly = runCli('jitar-compile', ['--manifest-only'], root);
    const tspc = runNode([TSPC, '-p', 'tsconfig.tspc.json'], root);
    expect([manifestOnly.status, tspc.status, tspc.stdout + tspc.stderr]).toEqual([0, 0, '']);

    const fromCompile = tree(join(root, 'dist-compile'));
    const fromTspc = tree(join(root, 'dist'));
    expect([...fromTspc.keys()].sort()).toEqual([...fromCompile.keys()].sort());
    expect([...fromCompile].filter(([file, text]) => fromTspc.get(file) !== text).map(([file]) => file)).toEqual([]);
});

test('the plugin refuses to run without a manifest, and says what to run', () =>
{
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const tspc = runNode([TSPC, '-p', 'tsconfig.tspc.json'], root);
    // 2 is tsc's exit code for "errors reported"; the message says what is missing.
    expect([tspc.status, tspc.stdout]).toEqual([2, expect.stringContaining("jitar/transformer: no manifest at 'dist/.jitar/manifest.json': run 'jitar-compile --manifest-only' before tspc")]);
});
