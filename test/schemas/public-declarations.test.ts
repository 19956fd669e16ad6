import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/**
 * The declarations an app's TypeScript reads through the package's entries (package.json `exports`, and
 * `typesVersions` for moduleResolution node10) must name other packages by their own names: node10 reads
 * no `imports` map, so a `#name` import there (the compiler's `#ts-morph`) would not resolve in such an app.
 */
const REPO = resolve(import.meta.dirname, '../..');
const packageJson = JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')) as { exports: Record<string, string | { types?: string }> };

/** Every declaration file reachable from one by relative imports, with the bare specifiers each imports. */
function declarationsFrom(entry: string, found = new Map<string, string[]>()): Map<string, string[]>
{
    if (found.has(entry)) return found;
    const text = readFileSync(entry, 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map(match => match[1]);
    found.set(entry, specifiers.filter(specifier => !specifier.startsWith('.')));
    for (const specifier of specifiers.filter(specifier => specifier.startsWith('.')))
    {
        const next = resolve(dirname(entry), specifier.replace(/\.js$/, '.d.ts'));
        if (existsSync(next)) declarationsFrom(next, found);
    }
    return found;
}

test('the declarations of every public entry import no #-named module', () =>
{
    const entries = Object.values(packageJson.exports).flatMap(target => typeof target === 'object' && target.types !== undefined ? [resolve(REPO, target.types)] : []);
    expect(entries.length).toBeGreaterThanOrEqual(5);
    const offending: string[] = [];
    let files = 0;
    for (const entry of entries)
    {
        for (const [file, specifiers] of declarationsFrom(entry))
        {
            files++;
            for (const specifier of specifiers) if (specifier.startsWith('#')) offending.push(`${relative(REPO, file)}: '${specifier}'`);
        }
    }
    expect(files).toBeGreaterThan(entries.length);
    expect(offending).toEqual([]);
});
