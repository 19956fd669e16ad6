import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { manifestProblem } from '../../runtime/app-build/manifest-file.js';
import { MANIFEST_FORMAT, MANIFEST_PATH, type Manifest } from '../../runtime/manifest.js';

/** The manifest `--against` names: a manifest file, or a build folder that holds one; or why it cannot be read. */
export function readPreviousManifest(path: string): { manifest: Manifest; file: string } | { problem: string }
{
    if (!existsSync(path)) return { problem: `'${path}' not found: give the previous build's folder or its ${MANIFEST_PATH}` };
    const file = statSync(path).isDirectory() ? join(path, MANIFEST_PATH) : path;
    if (!existsSync(file)) return { problem: `'${path}' holds no ${MANIFEST_PATH}: give a folder that jitar-compile built, or a manifest file` };
    let manifest: unknown;
    try
    {
        manifest = JSON.parse(readFileSync(file, 'utf8'));
    }
    catch (error)
    {
        return { problem: `'${file}' is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!isManifest(manifest)) return { problem: `'${file}' is not a jitar manifest of format ${MANIFEST_FORMAT} (jitar-compile of this version writes that format)` };
    return { manifest, file };
}

function isManifest(value: unknown): value is Manifest
{
    return manifestProblem(value) === undefined;
}
