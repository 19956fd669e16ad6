import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { analyse, Codes, formatDiagnostic } from '../../transformer/index.js';

/**
 * jitar-compile says which error classes to list, and which to move, so that a thrown error arrives in
 * a caller of another segment as itself: warnings at the class's line, never errors.
 */
let root: string;

beforeAll(() =>
{
    root = mkdtempSync(join(tmpdir(), 'jitar-error-notes-'));
    const files: Record<string, string> = {
        'src/errors/OutOfStock.ts': 'export class OutOfStock extends Error\n{\n    constructor(item: string) { super(`${item} is out of stock`); }\n}\n',
        'src/errors/Listed.ts': 'export class Listed extends Error {}\n',
        'src/errors/NeverThrown.ts': 'export class NeverThrown extends Error {}\n',
        'src/stock/reserve.ts': [
            'import { OutOfStock } from \'../errors/OutOfStock\';',
            'import { Listed } from \'../errors/Listed\';',
            '',
            'class Hidden extends OutOfStock {}',
            '',
            'export class HeldError extends Error {}',
            '',
            'export async function reserve(item: string): Promise<string>',
            '{',
            '    if (item === \'listed\') throw new Listed(item);',
            '    if (item === \'held\') throw new HeldError(item);',
            '    if (item === \'hidden\') throw new Hidden(item);',
            '    throw new OutOfStock(item);',
            '}',
            ''
        ].join('\n'),
        'src/front/order.ts': 'import { reserve } from \'../stock/reserve\';\n\nexport async function order(item: string): Promise<string>\n{\n    return reserve(item);\n}\n',
        'segments/stock.json': JSON.stringify({ './stock/reserve': { reserve: { access: 'public' }, HeldError: {} }, './errors/Listed': { Listed: {} } }, null, 4),
        'segments/front.json': JSON.stringify({ './front/order': { order: { access: 'public' } } }, null, 4)
    };
    for (const [path, text] of Object.entries(files))
    {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
    }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('a thrown error class that no segment lists is named at its line, with the entry to list; one listed in a module of its own is not', () =>
{
    const result = analyse({ cwd: root });
    expect(result.hasErrors).toBe(false);
    const notes = result.diagnostics.filter(diagnostic => diagnostic.code === Codes.UnlistedErrorClass).map(formatDiagnostic);
    expect(notes).toEqual([
        `src/errors/OutOfStock.ts:1:14 - warning JTR3003: Error class 'OutOfStock' is thrown, but no segment lists it: a caller in another segment (a worker, a page) receives it as its nearest listed parent class, with that class's status. To have it arrive as itself, list it in a segment file: { "./errors/OutOfStock": { "OutOfStock": {} } }`,
        `src/stock/reserve.ts:4:7 - warning JTR3003: Error class 'Hidden' is thrown, but no segment lists it: a caller in another segment (a worker, a page) receives it as its nearest listed parent class, with that class's status. To have it arrive as itself, export it and list it in a segment file: { "./stock/reserve": { "Hidden": {} } }`
    ]);
});

test('a listed error class in a module that holds procedures is named: other segments rebuild a stand-in', () =>
{
    const result = analyse({ cwd: root });
    expect(result.diagnostics.filter(diagnostic => diagnostic.code === Codes.ErrorClassInHeldModule).map(formatDiagnostic)).toEqual([
        `src/stock/reserve.ts:6:14 - warning JTR4004: Error class 'stock/HeldError' is declared in a module that holds procedures of 'stock': segments 'front' cannot load it without that code, and rebuild a stand-in of the same name and status instead (instanceof works for its parent only). Move the class to a module of its own to have it arrive as itself everywhere`
    ]);
    // Listed in a module of its own, never thrown, or not an error: nothing to say.
    expect(result.diagnostics.map(diagnostic => diagnostic.message).filter(message => /'(Listed|NeverThrown|errors\/Listed)'/.test(message))).toEqual([]);
});
