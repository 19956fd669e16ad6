import { Codes, formatDiagnostic, type AnalysisResult, type Diagnostic, type ProcedureManifest, type Severity } from '../../transformer/index.js';
import { analyseFixture } from './fixture-apps.js';

/**
 * What jitar-compile reports for broken apps: every diagnostic at the right file, line and column, with a
 * message that names the thing at fault. The apps live in test/fixtures/apps/broken-*.
 */

const results = new Map<string, AnalysisResult>();

/** Each fixture app is analysed once for the whole file. */
function analysed(name: string): AnalysisResult
{
    let result = results.get(name);
    if (result === undefined)
    {
        result = analyseFixture(name);
        results.set(name, result);
    }
    return result;
}

interface Expected
{
    code: Diagnostic['code'];
    severity: Severity;
    file: string;
    line: number;
    column: number;
    /** Words the message must contain, in any order. */
    words: string[];
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A message that contains every one of `words`. */
function containingAll(words: string[]): RegExp
{
    return new RegExp(`^${words.map(word => `(?=[\\s\\S]*${escapeRegExp(word)})`).join('')}`);
}

function expectDiagnostic(result: AnalysisResult, expected: Expected): void
{
    const { words, ...where } = expected;
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ ...where, message: expect.stringMatching(containingAll(words)) }));
}

function withCode(result: AnalysisResult, code: Diagnostic['code']): Diagnostic[]
{
    return result.diagnostics.filter(diagnostic => diagnostic.code === code);
}

function procedure(result: AnalysisResult, fqn: string, version?: string): ProcedureManifest | undefined
{
    return result.manifest.procedures.find(candidate => candidate.fqn === fqn && (version === undefined || candidate.version === version));
}

describe('1. a segmented function that is not async', () =>
{
    test('is an error at the function name in the .ts file, naming the function and its segment', () =>
    {
        const result = analysed('broken-procedures');
        expectDiagnostic(result, {
            code: Codes.NotAsync, severity: 'error', file: 'src/procedures.ts', line: 1, column: 17,
            words: ["'notAsync'", "'./procedures'", "'procedures'", 'must be async']
        });
        expect(procedure(result, 'notAsync')).toBeUndefined();
        expect(result.hasErrors).toBe(true);
    });
});

describe('2. exports that are not async function declarations', () =>
{
    test('an arrow function is an error at its name', () =>
    {
        expectDiagnostic(analysed('broken-procedures'), {
            code: Codes.ArrowFunction, severity: 'error', file: 'src/procedures.ts', line: 6, column: 14,
            words: ["'arrow'", "'./procedures'", 'arrow function', 'async function arrow(']
        });
    });

    test('a non-function value is an error at its name', () =>
    {
        expectDiagnostic(analysed('broken-procedures'), {
            code: Codes.NotAFunction, severity: 'error', file: 'src/procedures.ts', line: 8, column: 14,
            words: ["'answer'", "'./procedures'", 'value', 'not an async function']
        });
    });

    test('an interface listed as a procedure is an error at its name', () =>
    {
        expectDiagnostic(analysed('broken-procedures'), {
            code: Codes.NotAFunction, severity: 'error', file: 'src/procedures.ts', line: 10, column: 18,
            words: ["'Person'", "'./procedures'", 'is an interface', 'not an async function']
        });
    });

    test('a type alias listed as a procedure is an error at its name', () =>
    {
        expectDiagnostic(analysed('broken-procedures'), {
            code: Codes.NotAFunction, severity: 'error', file: 'src/procedures.ts', line: 15, column: 13,
            words: ["'Id'", "'./procedures'", 'type', 'not an async function']
        });
    });

    test('none of them reaches the manifest, while a correct procedure next to them does', () =>
    {
        const result = analysed('broken-procedures');
        for (const fqn of ['arrow', 'answer', 'Person', 'Id']) expect(procedure(result, fqn)).toBeUndefined();
        expect(procedure(result, 'fine')).toEqual(expect.objectContaining({ fqn: 'fine', access: 'public', version: '0.0.0', segments: ['procedures'] }));
        // The error about a missing export lists the module's exports, 'fine' among them: not about it.
        expect(result.diagnostics.filter(diagnostic => diagnostic.code !== Codes.ExportNotFound && diagnostic.message.includes("'fine'"))).toEqual([]);
    });
});

describe('3. exports that cannot be found', () =>
{
    test('an export the module does not have is an error at the export key in the segment file', () =>
    {
        expectDiagnostic(analysed('broken-procedures'), {
            code: Codes.ExportNotFound, severity: 'error', file: 'segments/procedures.json', line: 9, column: 9,
            words: ["'./procedures'", "'absent'", 'no export']
        });
    });

    test('a mistyped export is offered the near one, and the module\'s exports are listed', () =>
    {
        const many = analysed('broken-many');
        expect(many.diagnostics.find(diagnostic => diagnostic.code === Codes.ExportNotFound)?.message).toBe("Module './early' has no export 'nope'; its exports are 'first', 'good', 'last'");
        const result = analysed('broken-procedures');
        expect(result.diagnostics.find(diagnostic => diagnostic.code === Codes.ExportNotFound && diagnostic.message.includes("'absent'"))?.message).toMatch(/; its exports are '/);
    });

    test('a function that is declared but not exported is an error that says so', () =>
    {
        const result = analysed('broken-procedures');
        expectDiagnostic(result, {
            code: Codes.ExportNotFound, severity: 'error', file: 'segments/procedures.json', line: 8, column: 9,
            words: ["'hidden'", "'./procedures'", 'declared', 'not exported']
        });
        expect(procedure(result, 'hidden')).toBeUndefined();
    });
});

describe('4. a module that cannot be found', () =>
{
    test('is an error at the module key in the segment file, naming the segment and the module', () =>
    {
        const result = analysed('broken-config');
        expectDiagnostic(result, {
            code: Codes.ModuleNotFound, severity: 'error', file: 'segments/lost.json', line: 5, column: 5,
            words: ["'./missing/module'", "'lost'", 'not found']
        });
        expect(withCode(result, Codes.ModuleNotFound)).toHaveLength(1);
    });
});

describe('5. versions', () =>
{
    test('an invalid version string is an error at the version value, naming the version and the export', () =>
    {
        const result = analysed('broken-config');
        expectDiagnostic(result, {
            code: Codes.InvalidVersion, severity: 'error', file: 'segments/greetings.json', line: 3, column: 56,
            words: ["'v1'", "'withPrefix'", "'./greetings'"]
        });
        expectDiagnostic(result, {
            code: Codes.InvalidVersion, severity: 'error', file: 'segments/greetings.json', line: 4, column: 35,
            words: ["'1.0.0-beta'", "'withLabel'", "'./greetings'"]
        });
        expect(withCode(result, Codes.InvalidVersion)).toHaveLength(2);
    });

    test('the shorthands "1" and "1.2" are valid and become 1.0.0 and 1.2.0 in the manifest', () =>
    {
        const result = analysed('broken-config');
        expect(result.diagnostics.filter(diagnostic => /'(majorOnly|majorMinor)'/.test(diagnostic.message))).toEqual([]);
        expect(procedure(result, 'majorOnly')).toEqual(expect.objectContaining({ version: '1.0.0', access: 'public' }));
        expect(procedure(result, 'majorMinor')).toEqual(expect.objectContaining({ version: '1.2.0', access: 'public' }));
    });
});

describe('6. access', () =>
{
    test('an unknown access value is an error at the value, naming the value and the export', () =>
    {
        const result = analysed('broken-config');
        expectDiagnostic(result, {
            code: Codes.InvalidAccess, severity: 'error', file: 'segments/greetings.json', line: 7, column: 41,
            words: ["'publik'", "'misspelledAccess'", "'./greetings'", 'public']
        });
        expect(withCode(result, Codes.InvalidAccess)).toHaveLength(1);
    });
});

describe('7. unknown keys', () =>
{
    test('an unknown key in a segment entry is an error at the key, naming the key and the export', () =>
    {
        expectDiagnostic(analysed('broken-config'), {
            code: Codes.UnknownKey, severity: 'error', file: 'segments/greetings.json', line: 8, column: 28,
            words: ["'acess'", "'misspelledKey'", "'./greetings'", 'access']
        });
    });

    test('an unknown key in jitar.json is an error at the key, naming the key and the file', () =>
    {
        expectDiagnostic(analysed('broken-config'), {
            code: Codes.UnknownKey, severity: 'error', file: 'jitar.json', line: 5, column: 5,
            words: ["'segmnts'", 'jitar.json', 'segments']
        });
    });
});

describe('8. the same export in several segments', () =>
{
    test('different access in two segments is an error at the second listing, naming both segments', () =>
    {
        expectDiagnostic(analysed('broken-conflicts'), {
            code: Codes.ConflictingSettings, severity: 'error', file: 'segments/beta.json', line: 3, column: 9,
            words: ["'byAccess'", "'./shared'", "'alpha'", "'beta'", 'access', 'public', 'protected']
        });
    });

    test('different versions in two segments is an error at the second listing, naming both segments', () =>
    {
        expectDiagnostic(analysed('broken-conflicts'), {
            code: Codes.ConflictingSettings, severity: 'error', file: 'segments/beta.json', line: 4, column: 9,
            words: ["'byVersion'", "'./shared'", "'alpha'", "'beta'", 'version', '1.0.0', '2.0.0']
        });
    });

    test('identical settings are no error, and the procedure lists both segments', () =>
    {
        const result = analysed('broken-conflicts');
        expect(withCode(result, Codes.ConflictingSettings)).toHaveLength(2);
        expect(result.diagnostics.filter(diagnostic => diagnostic.message.includes("'same'"))).toEqual([]);
        expect(procedure(result, 'same')).toEqual(expect.objectContaining({ access: 'public', version: '1.0.0', segments: ['alpha', 'beta'] }));
    });
});

describe('9. invalid JSON', () =>
{
    test('a syntax error in a segment file is reported at its line and column', () =>
    {
        const result = analysed('broken-json');
        expectDiagnostic(result, {
            code: Codes.InvalidJson, severity: 'error', file: 'segments/bad.json', line: 4, column: 9,
            words: ['Invalid JSON', "','"]
        });
        expect(result.hasErrors).toBe(true);
    });

    test('a trailing comma is refused at the comma', () =>
    {
        expectDiagnostic(analysed('broken-json'), {
            code: Codes.InvalidJson, severity: 'error', file: 'segments/trailing.json', line: 3, column: 40,
            words: ['Invalid JSON', 'trailing comma']
        });
    });

    test('a comment is refused at the comment', () =>
    {
        expectDiagnostic(analysed('broken-json'), {
            code: Codes.InvalidJson, severity: 'error', file: 'segments/commented.json', line: 2, column: 5,
            words: ['Invalid JSON', 'comments']
        });
    });

    test('a single-quoted string is refused at the string', () =>
    {
        expectDiagnostic(analysed('broken-json'), {
            code: Codes.InvalidJson, severity: 'error', file: 'segments/quoted.json', line: 2, column: 5,
            words: ['Invalid JSON', 'double-quoted']
        });
    });
});

describe('10. errors and warnings of one run', () =>
{
    test('several errors in one run are all reported, and hasErrors is true', () =>
    {
        const result = analysed('broken-many');
        const errors = result.diagnostics.filter(diagnostic => diagnostic.severity === 'error');
        expect(errors.map(error => error.code).sort()).toEqual([
            Codes.InvalidAccess, Codes.ModuleNotFound, Codes.UnknownKey, Codes.ExportNotFound,
            Codes.NotAsync, Codes.NotAsync, Codes.ArrowFunction
        ].sort());
        expect(errors).toHaveLength(7);
        expect(result.hasErrors).toBe(true);
        // The valid listing in the other segment still reaches the manifest.
        expect(procedure(result, 'good')).toEqual(expect.objectContaining({ version: '1.0.0', access: 'public', segments: ['b'] }));
    });

    test('warnings alone (an empty segment file, a class listed with settings) leave hasErrors false', () =>
    {
        const result = analysed('broken-warnings');
        expectDiagnostic(result, {
            code: Codes.EmptySegment, severity: 'warning', file: 'segments/empty.json', line: 1, column: 1,
            words: ["'empty'", 'no modules']
        });
        expectDiagnostic(result, {
            code: Codes.ClassSettingIgnored, severity: 'warning', file: 'segments/classes.json', line: 3, column: 9,
            words: ["'Person'", "'./Person'", 'class', 'ignored']
        });
        expect(result.diagnostics.filter(diagnostic => diagnostic.severity === 'error')).toEqual([]);
        expect(result.hasErrors).toBe(false);
        expect(procedure(result, 'hello')).toBeDefined();
        expect(result.manifest.classes.map(entry => entry.key)).toContain('Person');
    });
});

describe('11. types that cannot cross the wire', () =>
{
    test('a parameter typed as a function', () =>
    {
        expectDiagnostic(analysed('broken-types'), {
            code: Codes.NotSerializable, severity: 'error', file: 'src/wire.ts', line: 22, column: 36,
            words: ["Parameter 'callback'", "'withCallback'", 'function', 'cannot cross the wire']
        });
    });

    test('a parameter typed as a symbol', () =>
    {
        expectDiagnostic(analysed('broken-types'), {
            code: Codes.NotSerializable, severity: 'error', file: 'src/wire.ts', line: 27, column: 34,
            words: ["Parameter 'key'", "'withSymbol'", 'symbol', 'cannot cross the wire']
        });
    });

    test('a parameter typed as an instance of an unexported class', () =>
    {
        expectDiagnostic(analysed('broken-types'), {
            code: Codes.UnregisteredClass, severity: 'error', file: 'src/wire.ts', line: 32, column: 34,
            words: ["Parameter 'secret'", "'withSecret'", "'Secret'", 'not exported']
        });
    });

    test('a parameter typed as a class from a library', () =>
    {
        const result = analysed('broken-types');
        expectDiagnostic(result, {
            code: Codes.UnregisteredClass, severity: 'error', file: 'src/wire.ts', line: 37, column: 35,
            words: ["Parameter 'emitter'", "'withEmitter'", 'EventEmitter', 'cannot cross the wire']
        });
        expectDiagnostic(result, {
            code: Codes.UnregisteredClass, severity: 'error', file: 'src/wire.ts', line: 42, column: 34,
            words: ["Parameter 'stream'", "'withStream'", "'Readable'", 'cannot cross the wire']
        });
    });

    test('a function inside an interface parameter names the path to it', () =>
    {
        expectDiagnostic(analysed('broken-types'), {
            code: Codes.NotSerializable, severity: 'error', file: 'src/wire.ts', line: 47, column: 34,
            words: ["Parameter 'person'", "'withPerson'", "(at 'person.callback')", 'function', 'cannot cross the wire']
        });
    });

    test('a method in an interface parameter names the path to it', () =>
    {
        expectDiagnostic(analysed('broken-types'), {
            code: Codes.NotSerializable, severity: 'error', file: 'src/wire.ts', line: 52, column: 35,
            words: ["Parameter 'greeter'", "'withGreeter'", "(at 'greeter.greet')", 'method', 'cannot cross the wire']
        });
    });

    test('a Promise parameter', () =>
    {
        expectDiagnostic(analysed('broken-types'), {
            code: Codes.NotSerializable, severity: 'error', file: 'src/wire.ts', line: 57, column: 35,
            words: ["Parameter 'pending'", "'withPromise'", 'Promise', 'cannot cross the wire']
        });
    });

    test('a parameter whose type cannot be resolved (a missing import)', () =>
    {
        expectDiagnostic(analysed('broken-types'), {
            code: Codes.NotSerializable, severity: 'error', file: 'src/wire.ts', line: 62, column: 33,
            words: ["Parameter 'ghost'", "'withGhost'", 'could not be resolved']
        });
    });

    test('a function-typed result is an error naming "The result of procedure"', () =>
    {
        expectDiagnostic(analysed('broken-types'), {
            code: Codes.NotSerializable, severity: 'error', file: 'src/wire.ts', line: 67, column: 42,
            words: ["The result of procedure 'returnsFunction'", 'function', 'cannot cross the wire']
        });
    });

    test('each of those is reported exactly once, and a procedure of plain types has none', () =>
    {
        const result = analysed('broken-types');
        const onWire = result.diagnostics.filter(diagnostic => diagnostic.code === Codes.NotSerializable || diagnostic.code === Codes.UnregisteredClass);
        expect(onWire.map(diagnostic => diagnostic.line)).toEqual([22, 27, 32, 37, 42, 47, 52, 57, 62, 67]);
        expect(result.diagnostics.filter(diagnostic => diagnostic.message.includes("'fine'"))).toEqual([]);
        expect(result.hasErrors).toBe(true);
    });
});

describe('12. duplicate implementations', () =>
{
    test('two exports with the same FQN and version through "as" are an error naming both', () =>
    {
        const result = analysed('broken-duplicates');
        expectDiagnostic(result, {
            code: Codes.DuplicateImplementation, severity: 'error', file: 'segments/people.json', line: 4, column: 9,
            words: ["'getPerson'", '1.0.0', "'getPersonV1'", "'getPersonLegacy'", 'implemented twice']
        });
        // Another version under the same name is a regular second version.
        expect(withCode(result, Codes.DuplicateImplementation)).toHaveLength(1);
        expect(result.diagnostics.filter(diagnostic => diagnostic.message.includes('getPersonV2'))).toEqual([]);
    });
});

describe('13. overloads', () =>
{
    test('an overloaded function is an error at its name, naming the function', () =>
    {
        const result = analysed('broken-procedures');
        expectDiagnostic(result, {
            code: Codes.Overloaded, severity: 'error', file: 'src/procedures.ts', line: 24, column: 23,
            words: ["'overloaded'", "'./procedures'", 'overloads']
        });
        expect(procedure(result, 'overloaded')).toBeUndefined();
    });
});

describe('14. output', () =>
{
    test('diagnostics are sorted by file, then line', () =>
    {
        const result = analysed('broken-many');
        expect(result.diagnostics.map(diagnostic => `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`)).toEqual([
            'jitar.json:5:5',
            'segments/a.json:7:29',
            'segments/a.json:9:9',
            'segments/b.json:2:5',
            'src/early.ts:1:17',
            'src/early.ts:11:17',
            'src/late.ts:1:14'
        ]);
    });

    test('formatDiagnostic gives `path:line:col - severity JTR<code>: message`', () =>
    {
        const many = analysed('broken-many');
        const missing = many.diagnostics.find(diagnostic => diagnostic.code === Codes.ExportNotFound);
        expect(missing).toBeDefined();
        expect(formatDiagnostic(missing!)).toBe("segments/a.json:9:9 - error JTR1007: Module './early' has no export 'nope'; its exports are 'first', 'good', 'last'");
        for (const diagnostic of many.diagnostics)
        {
            expect(formatDiagnostic(diagnostic)).toBe(`${diagnostic.file}:${diagnostic.line}:${diagnostic.column} - error JTR${diagnostic.code}: ${diagnostic.message}`);
        }

        const empty = analysed('broken-warnings').diagnostics.find(diagnostic => diagnostic.code === Codes.EmptySegment);
        expect(empty).toBeDefined();
        expect(formatDiagnostic(empty!)).toBe("segments/empty.json:1:1 - warning JTR1010: Segment 'empty' names no modules");

        expect(formatDiagnostic({ file: 'src/a.ts', line: 12, column: 3, severity: 'error', code: Codes.NotAsync, message: 'Something is wrong' }))
            .toBe('src/a.ts:12:3 - error JTR2001: Something is wrong');
    });
});
