#!/usr/bin/env node
/**
 * Checks that the source folders point one way: no two folders import each other, and the start-up
 * composition (runtime/services/) is imported only by the commands that start services.
 *
 *   node scripts/check-folder-cycles.mjs [--root DIR]
 *
 * It reads the relative imports of every .ts file under runtime/, transformer/ and cli/ (TypeScript's own
 * pre-processor finds them, so text inside strings and comments is not taken for an import). A file counts
 * as part of its folder; a file that sits directly in one of those three folders (runtime/errors.ts,
 * runtime/index.ts, transformer/plugin.ts) counts on its own, since such files are each either the
 * entry above everything or a leaf below everything. Exits 1 and names the files of each offending pair.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';

const ROOTS = ['runtime', 'transformer', 'cli'];

/** Folders that only the commands (cli/) may import: the composition root sits above everything else. */
const COMPOSITION_ROOTS = [{ folder: 'runtime/services', importers: ['cli'] }];

function sourceFiles(folder)
{
    if (!existsSync(folder)) return [];
    return readdirSync(folder).flatMap(name =>
    {
        const path = join(folder, name);
        if (statSync(path).isDirectory()) return sourceFiles(path);
        return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
    });
}

/** The repository-relative path with forward slashes, whatever the platform. */
const posix = (root, path) => relative(root, path).split(sep).join('/');

/** The .ts file a relative specifier names (`./x.js` is written for `./x.ts` under NodeNext), if it is one of ours. */
function resolveImport(importer, specifier)
{
    if (!specifier.startsWith('.')) return undefined;
    const base = resolve(dirname(importer), specifier);
    const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
    return candidates.find(candidate => existsSync(candidate) && statSync(candidate).isFile());
}

/** The unit a file belongs to: its folder, or the file itself where it sits directly in a root. */
function unitOf(file)
{
    const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    return ROOTS.includes(folder) || folder === '' ? file : folder;
}

/** Every import between two of our files: `{ from, to }` as repository-relative paths. */
export function importEdges(root)
{
    const edges = [];
    for (const file of ROOTS.flatMap(folder => sourceFiles(join(root, folder))))
    {
        const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
        for (const { fileName } of importedFiles)
        {
            const target = resolveImport(file, fileName);
            if (target !== undefined) edges.push({ from: posix(root, file), to: posix(root, target) });
        }
    }
    return edges;
}

/** The pairs of units that import each other, each with the files that import across in both directions. */
export function folderCycles(edges)
{
    const across = new Map();
    for (const edge of edges)
    {
        const from = unitOf(edge.from);
        const to = unitOf(edge.to);
        if (from === to) continue;
        const key = `${from}\u0000${to}`;
        if (!across.has(key)) across.set(key, []);
        across.get(key).push(`${edge.from} -> ${edge.to}`);
    }
    const cycles = [];
    for (const [key, forward] of across)
    {
        const [from, to] = key.split('\u0000');
        const backward = across.get(`${to}\u0000${from}`);
        if (backward !== undefined && from < to) cycles.push({ units: [from, to], forward, backward });
    }
    return cycles;
}

/** Imports of a composition root from anywhere but the folders allowed to start services. */
export function compositionBreaches(edges)
{
    const inside = (file, folder) => file === folder || file.startsWith(`${folder}/`);
    return COMPOSITION_ROOTS.flatMap(({ folder, importers }) => edges
        .filter(edge => inside(edge.to, folder) && !inside(edge.from, folder) && !importers.some(allowed => inside(edge.from, allowed)))
        .map(edge => `${edge.from} -> ${edge.to} (only ${importers.map(allowed => `${allowed}/`).join(', ')} may import ${folder}/)`));
}

function main(args)
{
    const rootFlag = args.indexOf('--root');
    const root = resolve(rootFlag === -1 ? fileURLToPath(new URL('..', import.meta.url)) : args[rootFlag + 1] ?? '.');
    const edges = importEdges(root);
    const cycles = folderCycles(edges);
    const breaches = compositionBreaches(edges);
    for (const { units: [a, b], forward, backward } of cycles)
    {
        console.error(`${a} and ${b} import each other:`);
        for (const line of [...forward, ...backward]) console.error(`  ${line}`);
    }
    for (const breach of breaches) console.error(breach);
    if (cycles.length > 0 || breaches.length > 0) return 1;
    console.log(`${edges.length} imports between ${new Set(edges.map(edge => edge.from)).size} files: no two folders import each other`);
    return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
