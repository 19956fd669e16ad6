import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { Codes, type DiagnosticBag } from '../diagnostics.js';
import { jsonValue, nodeAt, parseJsonDocument } from './json-document.js';
import type { DisplayPaths } from './display-paths.js';
import { checkJitarFile, isJitarFile } from '../../runtime/config/jitar-file-schema.js';
import { isFolderKey, resolveFolders, type JitarConfig, type JitarFile } from '../../runtime/config/jitar-folders.js';

export type { JitarConfig };

/**
 * Reads jitar.json. Without an explicit path a missing file is fine (the defaults apply); an explicit
 * path that does not exist is an error.
 */
export function readJitarConfig(configPath: string | undefined, cwd: string, paths: DisplayPaths, diagnostics: DiagnosticBag): JitarConfig
{
    const file = resolve(cwd, configPath ?? 'jitar.json');
    const root = configPath === undefined ? cwd : dirname(file);

    if (!existsSync(file))
    {
        if (configPath !== undefined)
        {
            diagnostics.error(paths.at(file), Codes.ConfigNotFound, `Configuration file '${paths.display(file)}' not found`);
        }
        return resolveFolders(root, {});
    }

    const document = parseJsonDocument(readFileSync(file, 'utf8'), paths.display(file), diagnostics);
    if (document === undefined) return resolveFolders(root, {});

    const value = jsonValue(document);
    for (const problem of checkJitarFile(value))
    {
        const found = nodeAt(document, problem.pointer);
        if (problem.unknownKey !== undefined)
        {
            const entry = found?.node.kind === 'object' ? found.node.entries.find(candidate => candidate.key === problem.unknownKey) : undefined;
            diagnostics.error(entry?.location ?? document.location, Codes.UnknownKey, problem.message);
        }
        else diagnostics.error((found?.node ?? document).location, Codes.InvalidConfigShape, problem.message);
    }
    return resolveFolders(root, isJitarFile(value) ? value : usableFolders(value));
}

/** The folder keys of a jitar.json with problems that are still right: the build goes on with them to find more. */
function usableFolders(value: unknown): JitarFile
{
    const entries = typeof value === 'object' && value !== null ? Object.entries(value) : [];
    return Object.fromEntries(entries.filter(([key, folder]) => isFolderKey(key) && typeof folder === 'string'));
}
