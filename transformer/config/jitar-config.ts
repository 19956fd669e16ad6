import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { Codes, type DiagnosticBag } from '../diagnostics.js';
import { jsonValue, nodeAt, parseJsonDocument, type JsonNode } from './json-document.js';
import type { DisplayPaths } from './display-paths.js';
import { checkJitarFile, isJitarFile } from '../../runtime/config/jitar-file-schema.js';
import { isFolderKey, resolveFolders, type FolderKey, type JitarConfig, type JitarFile } from '../../runtime/config/jitar-folders.js';

export type { JitarConfig };

/**
 * Reads jitar.json. Without an explicit path a missing file is fine (the defaults apply); an explicit
 * path that does not exist is an error. Each folder of `mustExist` that is not there is an error too, at
 * its key in jitar.json when the file names it: a mistyped `segments` or `resources` would otherwise
 * build an app without its segments or resources. Folders left to their defaults may be absent (an app
 * needs no resources), except the source folder.
 */
export function readJitarConfig(configPath: string | undefined, cwd: string, paths: DisplayPaths, diagnostics: DiagnosticBag, mustExist: readonly FolderKey[] = ['segments', 'resources']): JitarConfig
{
    const file = resolve(cwd, configPath ?? 'jitar.json');
    const root = configPath === undefined ? cwd : dirname(file);

    if (!existsSync(file))
    {
        if (configPath !== undefined)
        {
            diagnostics.error(paths.at(file), Codes.ConfigNotFound, `Configuration file '${paths.display(file)}' not found`);
        }
        return checkedFolders(resolveFolders(root, {}), undefined, mustExist, paths, diagnostics);
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
    const config = resolveFolders(root, isJitarFile(value) ? value : usableFolders(value));
    return checkedFolders(config, { document, display: paths.display(file) }, mustExist, paths, diagnostics);
}

/** What each folder key is for, to say what to do when its folder is missing. */
const FOLDER_HINTS: Record<FolderKey, string> = {
    source: "point it at the app's TypeScript folder",
    target: 'it is written by the build',
    segments: 'point it at the folder of the segment files',
    resources: 'point it at the folder of the resources files, or remove the key (resources are optional)'
};

/** Reports each folder of `mustExist` that does not exist: at its key in jitar.json when `written` names it. */
function checkedFolders(config: JitarConfig, written: { document: JsonNode; display: string } | undefined, mustExist: readonly FolderKey[], paths: DisplayPaths, diagnostics: DiagnosticBag): JitarConfig
{
    for (const key of mustExist)
    {
        if (existsSync(config[key])) continue;
        const node = written === undefined ? undefined : nodeAt(written.document, `/${key}`)?.node;
        const code = key === 'source' ? Codes.SourceFolderNotFound : Codes.FolderNotFound;
        if (written !== undefined && node?.kind === 'string')
        {
            diagnostics.error(node.location, code, `Folder '${node.value}' of '${key}' in ${written.display} not found ('${paths.display(config[key])}'); ${FOLDER_HINTS[key]}`);
        }
        // Only the source folder has no default that may be absent.
        else if (key === 'source')
        {
            diagnostics.error(paths.at(config.source), code, `Source folder '${paths.display(config.source)}' not found (the default of 'source'); create it, or set 'source' in jitar.json to the app's TypeScript folder`);
        }
    }
    return config;
}

/** The folder keys of a jitar.json with problems that are still right: the build goes on with them to find more. */
function usableFolders(value: unknown): JitarFile
{
    const entries = typeof value === 'object' && value !== null ? Object.entries(value) : [];
    return Object.fromEntries(entries.filter(([key, folder]) => isFolderKey(key) && typeof folder === 'string'));
}
