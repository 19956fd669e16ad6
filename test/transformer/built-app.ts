import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';

import ts from 'typescript';

import type { Manifest } from '../../runtime/manifest.js';
import { build, type BuildResult } from '../../transformer/index.js';
import { fixtureApp } from './fixture-apps.js';

export interface BuiltApp
{
    root: string;
    dist: string;
    result: BuildResult;
    manifest: Manifest;
    remove(): void;
}

/** Copies a fixture app to a folder of its own and builds it there, so test files never share an output. */
export function buildCopy(name: string): BuiltApp
{
    const root = mkdtempSync(join(tmpdir(), `jitar-${name}-`));
    cpSync(fixtureApp(name), root, { recursive: true, filter: source => !source.includes(`${name}/dist`) });
    const result = build({ cwd: root });
    return { root, dist: join(root, 'dist'), result, manifest: result.manifest, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The relative specifiers a JavaScript module imports, statically or with import(). */
export function importsOf(text: string): string[]
{
    return ts.preProcessFile(text, true, true).importedFiles.map(file => file.fileName);
}

/** Every file reached from `entry` by following imports (paths relative to `dist`). */
export function reachableFrom(dist: string, entry: string): Set<string>
{
    const reached = new Set<string>();
    const pending = [entry];
    while (pending.length > 0)
    {
        const file = pending.pop() as string;
        if (reached.has(file)) continue;
        reached.add(file);
        for (const specifier of importsOf(readFileSync(join(dist, file), 'utf8')))
        {
            if (specifier.startsWith('.')) pending.push(posix.normalize(posix.join(posix.dirname(file), specifier)));
        }
    }
    return reached;
}

export function readEmitted(app: BuiltApp, file: string): string
{
    return readFileSync(join(app.dist, file), 'utf8');
}
