import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { analyse, Codes, type AnalysisResult } from '../../transformer/index.js';

/**
 * A folder that jitar.json names and that is not there is an error at its key: a mistyped `segments` used
 * to build the app with no segments (a warning, exit 0), and a mistyped `resources` was ignored.
 */

let root: string;

beforeEach(() =>
{
    root = mkdtempSync(join(tmpdir(), 'jitar-folders-'));
});

afterEach(() =>
{
    rmSync(root, { recursive: true, force: true });
});

function analyseApp(files: Record<string, string>): AnalysisResult
{
    for (const [path, text] of Object.entries(files))
    {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
    }
    return analyse({ cwd: root });
}

const APP = {
    'src/hello.ts': 'export async function hello(name: string): Promise<string>\n{\n    return `Hello, ${name}!`;\n}\n',
    'segments/default.json': '{ "./hello": { "hello": { "access": "public" } } }\n'
};

const jitarJson = (settings: Record<string, string>): string => `{\n${Object.entries(settings).map(([key, value]) => `    "${key}": "${value}"`).join(',\n')}\n}\n`;

test('a missing segments folder is an error at the key, and no warning about empty segments is added', () =>
{
    const result = analyseApp({ ...APP, 'jitar.json': jitarJson({ source: './src', segments: './segmnts' }) });
    expect(result.hasErrors).toBe(true);
    expect(result.diagnostics).toEqual([expect.objectContaining({
        code: Codes.FolderNotFound, severity: 'error', file: 'jitar.json', line: 3, column: 17,
        message: "Folder './segmnts' of 'segments' in jitar.json not found ('segmnts'); point it at the folder of the segment files"
    })]);
});

test('a missing resources folder is an error at the key, not ignored', () =>
{
    const result = analyseApp({ ...APP, 'jitar.json': jitarJson({ source: './src', resources: './resorces' }) });
    expect(result.diagnostics).toEqual([expect.objectContaining({
        code: Codes.FolderNotFound, severity: 'error', file: 'jitar.json', line: 3, column: 18,
        message: expect.stringContaining("Folder './resorces' of 'resources' in jitar.json not found")
    })]);
});

test('a missing source folder is an error at the key in jitar.json, not at the folder', () =>
{
    const result = analyseApp({ ...APP, 'jitar.json': jitarJson({ source: './scr' }) });
    expect(result.diagnostics).toEqual([expect.objectContaining({
        code: Codes.SourceFolderNotFound, severity: 'error', file: 'jitar.json', line: 2, column: 15,
        message: "Folder './scr' of 'source' in jitar.json not found ('scr'); point it at the app's TypeScript folder"
    })]);
});

test('without jitar.json, a missing src is an error that says it is the default and how to change it', () =>
{
    const result = analyseApp({ 'segments/default.json': APP['segments/default.json'] });
    expect(result.diagnostics).toEqual([expect.objectContaining({
        code: Codes.SourceFolderNotFound, severity: 'error', file: 'src', line: 1, column: 1,
        message: "Source folder 'src' not found (the default of 'source'); create it, or set 'source' in jitar.json to the app's TypeScript folder"
    })]);
});

test('folders left to their defaults may be absent: no resources folder, and no segments folder (a warning)', () =>
{
    const result = analyseApp({ 'src/hello.ts': APP['src/hello.ts'], 'jitar.json': jitarJson({ source: './src' }) });
    expect(result.hasErrors).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: Codes.NoSegments, severity: 'warning' })]);
});
