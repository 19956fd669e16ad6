import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { analyse, Codes, type AnalysisResult } from '../../transformer/index.js';

/** A segment file's module key with a typo is offered the app's module it likely meant (JTR1006). */

let root: string;
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'jitar-near-module-')); });
afterEach(() => rmSync(root, { recursive: true, force: true }));

function analyseApp(segment: string): AnalysisResult
{
    const files: Record<string, string> = {
        'src/people/celebrate.ts': 'export async function celebrate(age: number): Promise<number>\n{\n    return age + 1;\n}\n',
        'src/people/index.ts': 'export async function list(): Promise<string[]>\n{\n    return [];\n}\n',
        'segments/people.json': segment
    };
    for (const [path, text] of Object.entries(files))
    {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
    }
    return analyse({ cwd: root });
}

test.each([
    ['./people/celebrat', "; did you mean './people/celebrate'?"],
    ['./peple/celebrate', "; did you mean './people/celebrate'?"],
    ['./billing/invoice', ' and index files)']
])('%s', (key, ending) =>
{
    const result = analyseApp(`{ "${key}": { "celebrate": { "access": "public" } } }\n`);
    const [missing] = result.diagnostics.filter(diagnostic => diagnostic.code === Codes.ModuleNotFound);
    expect(missing.message.startsWith(`Module '${key}' of segment 'people' not found (looked for `)).toBe(true);
    expect(missing.message.endsWith(ending)).toBe(true);
});
