import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MANIFEST_FORMAT, MANIFEST_PATH, type Manifest } from '../manifest.js';

/** The manifest jitar-compile wrote into the target folder. */
export function readManifest(target: string): Manifest
{
    const file = join(target, MANIFEST_PATH);
    if (!existsSync(file)) throw new Error(`No manifest at '${file}': build the app with jitar-compile first`);
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (manifest.format !== MANIFEST_FORMAT) throw new Error(`The manifest at '${file}' has format ${String(manifest.format)}, this runtime reads format ${MANIFEST_FORMAT}: rebuild the app with this version's jitar-compile`);
    return manifest;
}
