import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, posix } from 'node:path';

import { closestMatch } from 'leven';

import { isInside, portableRelative } from '../config/display-paths.js';

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];
const JS_TO_TS: Record<string, string> = { '.js': '.ts', '.jsx': '.tsx', '.mjs': '.mts', '.cjs': '.cts' };

export interface ModuleLocation
{
    /** Absolute path of the source file. */
    path: string;
    /** Relative to the source root, no extension: `domain/sayHello`, `domain/person/index`. */
    module: string;
    /** Relative to the source root, with extension. */
    file: string;
}

/** The files a segment's module key may mean, in the order they are tried. */
export function moduleCandidates(sourceRoot: string, key: string): string[]
{
    const relative = key.replace(/^\.\//, '');
    const base = join(sourceRoot, relative);
    const extension = posix.extname(relative);
    const candidates: string[] = [];

    if (JS_TO_TS[extension] !== undefined) candidates.push(base.slice(0, -extension.length) + JS_TO_TS[extension]);
    if (SOURCE_EXTENSIONS.includes(extension)) candidates.push(base);
    for (const sourceExtension of SOURCE_EXTENSIONS) candidates.push(base + sourceExtension);
    for (const sourceExtension of SOURCE_EXTENSIONS) candidates.push(join(base, `index${sourceExtension}`));
    return candidates;
}

/** A module key as written in a segment file (`./domain/sayHello`, with `.js`, or a folder) to its source file. */
export function resolveModuleKey(sourceRoot: string, key: string): ModuleLocation | undefined
{
    const path = moduleCandidates(sourceRoot, key).find(candidate => existsSync(candidate) && statSync(candidate).isFile());
    // A key must not reach outside the source root.
    return path === undefined ? undefined : appModule(sourceRoot, path);
}

/** Where a file sits in the app: undefined for files outside the source root, in node_modules, or declarations only. */
export function appModule(sourceRoot: string, path: string): ModuleLocation | undefined
{
    if (path.endsWith('.d.ts') || !isInside(sourceRoot, path)) return undefined;
    const file = portableRelative(sourceRoot, path);
    return { path, file, module: moduleOf(file) };
}

/** A source-relative file without its extension: the module path that FQNs and the manifest use. */
export function moduleOf(file: string): string
{
    return file.replace(/\.[cm]?[jt]sx?$/, '');
}

/**
 * The fully qualified name of an export, as Jitar names it: the module's folder, then the declared name or
 * the alias. A default export of an index module is named by its folder.
 */
export function fullyQualifiedName(module: string, exportName: string, declaredName: string | undefined, alias: string | undefined): string
{
    const folder = posix.dirname(module) === '.' ? '' : posix.dirname(module);
    const fileName = basename(module);

    if (alias === undefined && exportName === 'default' && fileName === 'index' && folder !== '') return folder;

    const name = alias ?? declaredName ?? fileName;
    return folder === '' ? name : `${folder}/${name}`;
}

/**
 * The module key a segment file likely meant by one that names no file: the app's module within two
 * edits of it (`./people/celebrat` for `./people/celebrate`), written as the segment file writes keys.
 */
export function nearModuleKey(sourceRoot: string, key: string): string | undefined
{
    if (!existsSync(sourceRoot)) return undefined;
    const modules = readdirSync(sourceRoot, { recursive: true, withFileTypes: true })
        .filter(entry => entry.isFile() && SOURCE_EXTENSIONS.includes(extname(entry.name)) && !entry.name.endsWith('.d.ts'))
        .map(entry => appModule(sourceRoot, join(entry.parentPath, entry.name))?.module)
        .filter((module): module is string => module !== undefined);
    const asked = moduleOf(key.replace(/^\.\//, ''));
    const near = closestMatch(asked, modules.sort(), { maxDistance: 2 });
    return near === undefined ? undefined : `./${near}`;
}
