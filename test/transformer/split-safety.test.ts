import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { build, Codes, type BuildResult, type Diagnostic } from '../../transformer/index.js';
import { runCli } from '../cli/run-cli.js';
import { fixtureApp } from './fixture-apps.js';

/**
 * Split-safety warnings on the split-safety fixture: front calls procedures of people that change their
 * arguments, and both segments use module state. Each warning at its line; the safe forms beside them
 * (copies, rebinding a parameter, a procedure no other segment calls, state never changed, state of one
 * segment only, a resource) get none.
 */
const FIXTURE = fixtureApp('split-safety');
let root: string;
let result: BuildResult;

beforeAll(() =>
{
    root = mkdtempSync(join(tmpdir(), 'jitar-split-safety-'));
    cpSync(FIXTURE, root, { recursive: true, filter: path => !/\/(dist|node_modules)$/.test(path) });
    result = build({ cwd: root, emit: false });
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Where `text` first stands in a fixture file (after `after`, when given), as diagnostics show it. */
function at(file: string, text: string, after?: string): { file: string; line: number; column: number }
{
    const lines = readFileSync(join(FIXTURE, file), 'utf8').split('\n');
    const from = after === undefined ? 0 : lines.findIndex(line => line.includes(after));
    const line = lines.findIndex((candidate, index) => index >= from && candidate.includes(text));
    if (line === -1) throw new Error(`'${text}' is not in ${file}`);
    return { file, line: line + 1, column: lines[line].indexOf(text) + 1 };
}

const withCode = (code: number): Diagnostic[] => result.diagnostics.filter(diagnostic => diagnostic.code === code);

describe('a procedure other segments call, changing its arguments (JTR6001)', () =>
{
    test('is a warning at each write through a parameter, naming the procedure, its caller and the argument', () =>
    {
        const expected = [
            { ...at('src/people/profiles.ts', 'profile.tags.push(tag)'), words: ["'people/addTag'", "'front/editProfile'", 'calls push() on profile.tags', "argument 'profile'"] },
            { ...at('src/people/profiles.ts', 'profile.updated = new Date()'), words: ["'people/addTag'", 'assigns to profile.updated', "argument 'profile'"] },
            // a destructured parameter's binding holds the caller's array too
            { ...at('src/people/profiles.ts', 'names[0] = name'), words: ["'people/rename'", 'assigns to names[0]', "argument 'names'"] }
        ];
        const warnings = withCode(Codes.ArgumentMutated);
        expect(warnings).toHaveLength(expected.length);
        for (const { words, ...where } of expected)
        {
            const warning = warnings.find(candidate => candidate.file === where.file && candidate.line === where.line);
            expect(warning).toMatchObject({ ...where, severity: 'warning' });
            for (const word of words) expect(warning?.message).toContain(word);
            expect(warning?.message).toContain('the caller does not see the change');
        }
    });

    test('is no warning for copies, a parameter given a new value, or a procedure no other segment calls', () =>
    {
        const files = withCode(Codes.ArgumentMutated).map(warning => `${warning.file}:${warning.line}`);
        const countTags = at('src/people/profiles.ts', 'export async function countTags').line;
        expect(files.filter(place => place.startsWith('src/people/profiles.ts:') && Number(place.split(':')[1]) >= countTags)).toEqual([]);
        expect(files.filter(place => place.startsWith('src/people/normalize.ts'))).toEqual([]);
    });
});

describe('module state that code of two segments uses and changes (JTR6002)', () =>
{
    test('is a warning at the declaration, naming the segments and where it changes', () =>
    {
        const warnings = withCode(Codes.SharedModuleState);
        const change = at('src/front/editProfile.ts', 'seen.set(');
        expect(warnings).toEqual([
            expect.objectContaining({ ...at('src/shared/counter.ts', 'visits'), severity: 'warning', message: expect.stringContaining("Module state 'visits' of 'shared/counter' is used by code of segments 'front', 'people'") }),
            expect.objectContaining({ ...at('src/shared/registry.ts', 'seen'), severity: 'warning', message: expect.stringContaining(`${change.file}:${change.line}: calls set() on seen`) })
        ]);
        expect(warnings[0].message).toContain(`src/shared/counter.ts:${at('src/shared/counter.ts', '++visits').line}: increments visits`);
        expect(warnings[1].message).toContain("list 'shared/registry' as a resource");
    });

    test('is no warning for state never changed, state one segment loads, or a resource', () =>
    {
        const places = withCode(Codes.SharedModuleState).map(warning => `${warning.file}:${warning.line}`);
        expect(places).not.toContain(`src/shared/registry.ts:${at('src/shared/registry.ts', 'LIMITS').line}`);
        expect(places.filter(place => place.startsWith('src/people/history.ts') || place.startsWith('src/shared/cache.ts'))).toEqual([]);
    });
});

test('the warnings do not fail the build: jitar-compile prints them tsc-style and writes the app', () =>
{
    const compiled = runCli('jitar-compile', [], root);
    expect(compiled.status).toBe(0);
    const { line, column } = at('src/people/profiles.ts', 'profile.tags.push(tag)');
    expect(`${compiled.stdout}${compiled.stderr}`).toContain(`src/people/profiles.ts:${line}:${column} - warning JTR6001: Procedure 'people/addTag'`);
    expect(`${compiled.stdout}${compiled.stderr}`).toContain('warning JTR6002:');
    expect(result.hasErrors).toBe(false);
}, 60_000);

test('apps that share nothing changed across segments get no split-safety warning', () =>
{
    for (const name of ['split', 'cluster'])
    {
        const copy = mkdtempSync(join(tmpdir(), `jitar-split-safety-${name}-`));
        try
        {
            cpSync(fixtureApp(name), copy, { recursive: true, filter: path => !/\/(dist|node_modules)$/.test(path) });
            const other = build({ cwd: copy, emit: false });
            expect(other.diagnostics.filter(diagnostic => diagnostic.code === Codes.ArgumentMutated || diagnostic.code === Codes.SharedModuleState)).toEqual([]);
        }
        finally
        {
            rmSync(copy, { recursive: true, force: true });
        }
    }
}, 60_000);
