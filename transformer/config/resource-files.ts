import { readFileSync } from 'node:fs';

import type { SourceLocation } from '../../runtime/manifest.js';
import { Codes, type DiagnosticBag } from '../diagnostics.js';
import type { DisplayPaths } from './display-paths.js';
import { describeJsonKind, parseJsonDocument } from './json-document.js';
import { listJsonFiles } from './segment-files.js';

export interface ResourceEntry
{
    moduleKey: string;
    location: SourceLocation;
}

/** `resources/*.json`: arrays of module paths whose modules are one shared instance per process. */
export function readResourceFiles(folder: string, paths: DisplayPaths, diagnostics: DiagnosticBag): ResourceEntry[]
{
    const entries: ResourceEntry[] = [];
    for (const path of listJsonFiles(folder))
    {
        const document = parseJsonDocument(readFileSync(path, 'utf8'), paths.display(path), diagnostics);
        if (document === undefined) continue;
        if (document.kind !== 'array')
        {
            diagnostics.error(document.location, Codes.InvalidConfigShape, `A resources file must hold an array of module paths, not ${describeJsonKind(document)}`);
            continue;
        }
        for (const item of document.items)
        {
            if (item.kind === 'string') entries.push({ moduleKey: item.value, location: item.location });
            else diagnostics.error(item.location, Codes.InvalidConfigShape, `A resource must be a module path string, not ${describeJsonKind(item)}`);
        }
    }
    return entries;
}
