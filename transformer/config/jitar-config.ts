import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { Codes, type DiagnosticBag } from '../diagnostics.js';
import { readBuildSection } from './build-section.js';
import { describeJsonKind, parseJsonDocument } from './json-document.js';
import type { DisplayPaths } from './display-paths.js';
import { FOLDER_DEFAULTS, isFolderKey, resolveFolders, type FolderKey, type JitarConfig } from '../../runtime/config/jitar-folders.js';

export type { JitarConfig };

/**
 * Reads jitar.json. Without an explicit path a missing file is fine (the defaults apply); an explicit
 * path that does not exist is an error.
 */
export function readJitarConfig(configPath: string | undefined, cwd: string, paths: DisplayPaths, diagnostics: DiagnosticBag): JitarConfig
{
    const file = resolve(cwd, configPath ?? 'jitar.json');
    const root = configPath === undefined ? cwd : dirname(file);
    const folders: Partial<Record<FolderKey, string>> = {};
    let build: { ignore: string[] } | undefined;

    if (!existsSync(file))
    {
        if (configPath !== undefined)
        {
            diagnostics.error(paths.at(file), Codes.ConfigNotFound, `Configuration file '${paths.display(file)}' not found`);
        }
        return resolveFolders(root, folders);
    }

    const document = parseJsonDocument(readFileSync(file, 'utf8'), paths.display(file), diagnostics);
    if (document === undefined) return resolveFolders(root, folders);

    if (document.kind !== 'object')
    {
        diagnostics.error(document.location, Codes.InvalidConfigShape, `jitar.json must hold an object, not ${describeJsonKind(document)}`);
        return resolveFolders(root, folders);
    }

    for (const entry of document.entries)
    {
        if (entry.key === 'build')
        {
            build = { ignore: readBuildSection(entry.value, diagnostics) };
            continue;
        }
        if (!isFolderKey(entry.key))
        {
            diagnostics.error(entry.location, Codes.UnknownKey, `Unknown key '${entry.key}' in jitar.json; known keys are ${[...Object.keys(FOLDER_DEFAULTS), 'build'].join(', ')}`);
            continue;
        }
        if (entry.value.kind !== 'string')
        {
            diagnostics.error(entry.value.location, Codes.InvalidConfigShape, `'${entry.key}' in jitar.json must be a folder path string, not ${describeJsonKind(entry.value)}`);
            continue;
        }
        folders[entry.key] = entry.value.value;
    }

    return { ...resolveFolders(root, folders), ...build === undefined ? {} : { build } };
}
