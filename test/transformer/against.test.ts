import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { build, type SurfaceChange } from '../../transformer/index.js';
import { runCli } from '../cli/run-cli.js';
import { fixtureApp } from './fixture-apps.js';

/**
 * contracts-v1 is the previous build; contracts-v2 changes each of its procedures in one way (its
 * source says which). The previous build is compiled first, then the app's sources become v2's.
 */
let root: string;
let app: string;
let previous: string;

const V2_SOURCE = join(fixtureApp('contracts-v2'), 'src/api.ts');

/** Where v2 declares a procedure, as the diagnostics show it. */
function declared(name: string): string
{
    const lines = readFileSync(V2_SOURCE, 'utf8').split('\n');
    const line = lines.findIndex(text => text.includes(`function ${name}(`));
    return `src/api.ts:${line + 1}:${lines[line].indexOf(name) + 1}`;
}

function useVersion(name: 'contracts-v1' | 'contracts-v2'): void
{
    for (const folder of ['src', 'segments'])
    {
        rmSync(join(app, folder), { recursive: true, force: true });
        cpSync(join(fixtureApp(name), folder), join(app, folder), { recursive: true });
    }
}

beforeAll(() =>
{
    root = mkdtempSync(join(tmpdir(), 'jitar-against-'));
    app = join(root, 'app');
    previous = join(root, 'previous');
    useVersion('contracts-v1');
    const built = runCli('jitar-compile', ['--manifest-only'], app);
    if (built.status !== 0) throw new Error(`jitar-compile failed:\n${built.stdout}${built.stderr}`);
    renameSync(join(app, 'dist'), previous);
    useVersion('contracts-v2');
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the changes of the surface', () =>
{
    let changes: SurfaceChange[];
    beforeAll(() =>
    {
        const result = build({ cwd: app, emit: false, against: previous });
        changes = result.changes ?? [];
        // A breaking change at a kept version is an error: nothing is written.
        expect(result.hasErrors).toBe(true);
        expect(existsSync(join(app, 'dist'))).toBe(false);
    });

    test.each([
        ['add', 'parameter-added', 'c', false, "optional parameter 'c' added"],
        ['greet', 'parameter-added', 'greeting', true, "required parameter 'greeting' added"],
        ['lookup', 'result-type', undefined, false, 'result type narrowed'],
        ['find', 'result-type', undefined, true, 'result type widened'],
        ['secret', 'access-narrowed', undefined, true, 'access narrowed from public to protected'],
        ['internal', 'access-widened', undefined, false, 'access widened from protected to public'],
        ['tag', 'parameter-type', 'label', false, "type of parameter 'label' widened"],
        ['label', 'parameter-type', 'text', true, "type of parameter 'text' narrowed"],
        ['remove', 'parameter-removed', 'y', true, "parameter 'y' removed: callers that send it get 400"],
        ['opt', 'parameter-required', 'x', true, "parameter 'x' became required"]
    ])('%s: %s', (fqn, kind, parameter, breaking, detail) =>
    {
        expect(changes.filter(change => change.fqn === fqn)).toEqual([{
            fqn, version: '1.0.0', kind, ...parameter === undefined ? {} : { parameter }, detail, breaking, versionKept: true,
            source: { manifest: 'current', file: 'src/api.ts', line: expect.any(Number), column: expect.any(Number) }
        }]);
    });

    test('a procedure added is compatible; one removed is breaking, though it kept no version to fail on', () =>
    {
        expect(changes.filter(change => change.fqn === 'fresh')).toMatchObject([{ kind: 'added', breaking: false, versionKept: false }]);
        expect(changes.filter(change => change.fqn === 'gone')).toMatchObject([{ kind: 'removed', breaking: true, versionKept: false, source: { manifest: 'previous' } }]);
    });

    test('reordered properties of an object type are no change', () =>
    {
        expect(changes.filter(change => change.fqn === 'same')).toEqual([]);
    });
});

describe('jitar-compile --against', () =>
{
    test('fails on a breaking change that kept its version, with the diagnostic at the procedure', () =>
    {
        const run = runCli('jitar-compile', ['--manifest-only', '--against', '../previous'], app);
        expect(run.status).toBe(1);
        const errors = run.stderr.split('\n').filter(line => line.includes(' - error '));
        expect(errors).toEqual(['greet', 'find', 'secret', 'label', 'remove', 'opt'].map(name => expect.stringMatching(new RegExp(`^${declared(name)} - error JTR5001: Breaking change to '${name}' at version 1\\.0\\.0, which \\.\\./previous/\\.jitar/manifest\\.json has too: .+; give the procedure a new version$`))));
        expect(run.stdout).toContain('  breaking    greet@1.0.0     required parameter \'greeting\' added');
        expect(run.stdout).toContain('12 changes, 7 breaking (6 at a version the previous build has: give those procedures a new version)');
        expect(run.stderr).toContain('Found 6 errors. Nothing written.');
    });

    test('--json prints the change list for CI', () =>
    {
        const run = runCli('jitar-compile', ['--manifest-only', '--against', join(previous, '.jitar/manifest.json'), '--json'], app);
        expect(run.status).toBe(1);
        const printed = JSON.parse(run.stdout) as { changes: SurfaceChange[] };
        expect(printed.changes).toHaveLength(12);
        expect(printed.changes.filter(change => change.breaking && change.versionKept).map(change => change.fqn).sort()).toEqual(['find', 'greet', 'label', 'opt', 'remove', 'secret']);
        expect(printed.changes.find(change => change.fqn === 'greet')?.source).toEqual({ manifest: 'current', file: 'src/api.ts', line: Number(declared('greet').split(':')[1]), column: 23 });
    });

    test('passes when the breaking changes got a new version, and lists them against the versions they replace', () =>
    {
        const segments = join(app, 'segments/api.json');
        const original = readFileSync(segments, 'utf8');
        try
        {
            const entries = JSON.parse(original) as { './api': Record<string, { access: string; version: string }> };
            for (const name of ['greet', 'find', 'secret', 'label', 'remove', 'opt']) entries['./api'][name].version = '2.0.0';
            writeFileSync(segments, JSON.stringify(entries));
            const run = runCli('jitar-compile', ['--manifest-only', '--against', '../previous'], app);
            expect(run.stderr).toBe('');
            expect(run.status).toBe(0);
            expect(run.stdout).toMatch(/^ {2}breaking {4}greet@1\.0\.0->2\.0\.0 +version 1\.0\.0 replaced by 2\.0\.0: callers that ask for 1\.0\.0 get 404$/m);
            expect(run.stdout).toMatch(/^ {2}breaking {4}greet@1\.0\.0->2\.0\.0 +required parameter 'greeting' added$/m);
            expect(run.stdout).toContain('18 changes, 13 breaking\n');
            expect(run.stdout).toContain('written to dist/');
        }
        finally
        {
            writeFileSync(segments, original);
            rmSync(join(app, 'dist'), { recursive: true, force: true });
        }
    });

    test('a previous build that is not there is an error naming it', () =>
    {
        const run = runCli('jitar-compile', ['--manifest-only', '--against', '../nowhere'], app);
        expect(run.status).toBe(1);
        expect(run.stderr).toContain("error JTR5002: --against: '");
        expect(run.stderr).toContain("nowhere' not found: give the previous build's folder or its .jitar/manifest.json");
    });

    test('--json without --against is refused', () =>
    {
        const run = runCli('jitar-compile', ['--json'], app);
        expect(run.status).toBe(1);
        expect(run.stderr).toContain('--json prints the changes of --against: give --against too');
    });
});
