import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { MANIFEST_PATH, type Manifest } from '../runtime/manifest.js';

/** Writes the manifest into the target folder, where the runtime and the transformer look for it. */
export function writeManifest(manifest: Manifest, targetFolder: string): string
{
    const path = join(targetFolder, MANIFEST_PATH);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
    return path;
}
