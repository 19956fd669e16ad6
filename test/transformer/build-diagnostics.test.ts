import { build, Codes, formatDiagnostic, type BuildResult } from '../../transformer/index.js';
import { fixtureApp } from './fixture-apps.js';

let result: BuildResult;

beforeAll(() =>
{
    result = build({ cwd: fixtureApp('broken-imports') });
});

test('a value other than a procedure, imported from a module of another segment, is an error at the import', () =>
{
    expect(result.diagnostics).toContainEqual(expect.objectContaining({
        code: Codes.ForeignImport, severity: 'error', file: 'src/b/use.ts', line: 1, column: 16,
        message: expect.stringContaining("'helper' of 'a/tools' is not a procedure, and that module is held by segment 'a'; importing it into 'b/use' (segment 'b') would bring that code along")
    }));
});

test('the procedure imported beside it, and a type-only import, are fine', () =>
{
    expect(result.diagnostics.filter(diagnostic => diagnostic.file === 'src/b/use.ts').map(diagnostic => diagnostic.column)).toEqual([16]);
});

test('a class that crosses to another segment from a module holding procedures is a warning at the class', () =>
{
    expect(result.diagnostics).toContainEqual(expect.objectContaining({
        code: Codes.ClassInHeldModule, severity: 'warning', file: 'src/a/tools.ts', line: 1, column: 14,
        message: expect.stringContaining("Class 'a/Tool' is used by segment 'b', but its module also holds procedures of segment 'a'")
    }));
});

test('type errors are reported as TypeScript reports them', () =>
{
    const typeError = result.diagnostics.find(diagnostic => diagnostic.origin === 'typescript');
    expect(typeError === undefined ? undefined : formatDiagnostic(typeError)).toBe("src/b/typo.ts:3:11 - error TS2322: Type 'string' is not assignable to type 'number'.");
});

test('nothing is written when there are errors', () =>
{
    expect([result.hasErrors, result.written]).toEqual([true, []]);
});
