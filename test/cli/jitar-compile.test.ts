import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { Manifest } from '../../runtime/manifest.js';
import { fixtureApp } from '../transformer/fixture-apps.js';
import { runCli } from './run-cli.js';

const readManifest = (app: string): Manifest => JSON.parse(readFileSync(join(fixtureApp(app), 'dist/.jitar/manifest.json'), 'utf8')) as Manifest;

describe('jitar-compile in an app folder', () =>
{
    beforeAll(() => rmSync(join(fixtureApp('showcase'), 'dist'), { recursive: true, force: true }));

    test('exits 0 and writes the manifest into the target folder', () =>
    {
        const run = runCli('jitar-compile', [], fixtureApp('showcase'));
        expect([run.status, readManifest('showcase').procedures.length]).toEqual([0, 29]);
    });

    test('prints a line per segment with its procedures and classes', () =>
    {
        const run = runCli('jitar-compile', [], fixtureApp('showcase'));
        expect(run.stdout).toContain('segment person    3 procedures, 1 class  (segments/person.json)');
    });

    test('--verbose lists each procedure with its access and version', () =>
    {
        const run = runCli('jitar-compile', ['--verbose'], fixtureApp('showcase'));
        expect(run.stdout).toMatch(/^ {2}protected 0\.0\.0 +domain\/person\/listPeople$/m);
    });
});

describe('configuration', () =>
{
    test('jitar.json is optional: the defaults find src/ and segments/', () =>
    {
        rmSync(join(fixtureApp('minimal'), 'dist'), { recursive: true, force: true });
        const run = runCli('jitar-compile', [], fixtureApp('minimal'));
        expect([run.status, readManifest('minimal').procedures.map(procedure => procedure.fqn)]).toEqual([0, ['add']]);
    });

    test('--config points at an app from another folder, and --config=value works too', () =>
    {
        const run = runCli('jitar-compile', [`--config=${join(fixtureApp('showcase'), 'jitar.json')}`], fixtureApp('minimal'));
        expect([run.status, run.stdout]).toEqual([0, expect.stringContaining('segment showcase')]);
    });

    test('--project names the tsconfig to analyse with', () =>
    {
        const run = runCli('jitar-compile', ['--project', 'tsconfig.json'], fixtureApp('showcase'));
        expect(run.status).toBe(0);
    });

    test('a --project that does not exist is an error naming it', () =>
    {
        const run = runCli('jitar-compile', ['--project', 'nope.json'], fixtureApp('minimal'));
        expect([run.status, run.stderr]).toEqual([1, expect.stringContaining("nope.json:1:1 - error JTR1012: TypeScript project 'nope.json' not found")]);
    });

    test('a --config that does not exist is an error naming it', () =>
    {
        const run = runCli('jitar-compile', ['--config', 'nope.json'], fixtureApp('minimal'));
        expect([run.status, run.stderr]).toEqual([1, expect.stringContaining("error JTR1012: Configuration file 'nope.json' not found")]);
    });

    test('an unknown flag is refused, naming the near one and the help', () =>
    {
        const run = runCli('jitar-compile', ['--verbsoe'], fixtureApp('minimal'));
        expect([run.status, run.stderr]).toEqual([1, "Unknown option '--verbsoe' for jitar-compile; did you mean --verbose? See jitar-compile --help\n"]);
    });
});

describe('a broken app', () =>
{
    test('exits 1, prints every diagnostic tsc-style, and writes no manifest', () =>
    {
        rmSync(join(fixtureApp('cli-broken'), 'dist'), { recursive: true, force: true });
        const run = runCli('jitar-compile', [], fixtureApp('cli-broken'));
        expect({ status: run.status, lines: run.stderr.trim().split('\n'), written: existsSync(join(fixtureApp('cli-broken'), 'dist')) }).toEqual({
            status: 1,
            lines: [
                "segments/empty.json:1:1 - warning JTR1010: Segment 'empty' names no modules",
                "segments/math.json:5:5 - error JTR1006: Module './missing' of segment 'math' not found (looked for 'src/missing.ts', 'src/missing.tsx' and index files)",
                "src/add.ts:1:17 - error JTR2001: Segmented procedure 'add' of './add' (segment 'math') must be async: declare it 'async function add(...)'",
                '',
                'Found 2 errors. Nothing written.'
            ],
            written: false
        });
    });
});

describe('versions', () =>
{
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

    test('jitar version prints the package version', () =>
    {
        expect(runCli('jitar', ['version'], fixtureApp('minimal')).stdout.trim()).toBe(version);
    });

    test('jitar-compile --version prints the package version', () =>
    {
        expect(runCli('jitar-compile', ['--version'], fixtureApp('minimal')).stdout.trim()).toBe(version);
    });

    test('jitar with an unknown command exits 1 and says so', () =>
    {
        const run = runCli('jitar', ['strat'], fixtureApp('minimal'));
        expect([run.status, run.stderr]).toEqual([1, expect.stringContaining("Unknown command 'strat'")]);
    });
});
