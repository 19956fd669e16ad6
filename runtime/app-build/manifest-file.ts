import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MANIFEST_FORMAT, MANIFEST_PATH, type Manifest } from '../manifest.js';

/** The manifest jitar-compile wrote into the target folder. */
export function readManifest(target: string): Manifest
{
    const manifest = readManifestIfBuilt(target);
    if (manifest === undefined) throw new Error(`No manifest at '${join(target, MANIFEST_PATH)}': build the app with jitar-compile first`);
    return manifest;
}

/** The manifest when the target folder holds a build (a gateway may start without one); undefined otherwise. */
export function readManifestIfBuilt(target: string): Manifest | undefined
{
    const file = join(target, MANIFEST_PATH);
    if (!existsSync(file)) return undefined;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (manifest.format !== MANIFEST_FORMAT) throw new Error(`The manifest at '${file}' has format ${String(manifest.format)}, this runtime reads format ${MANIFEST_FORMAT}: rebuild the app with this version's jitar-compile`);
    return manifest;
}

/** The FQNs a build lets callers reach (public and protected): those a gateway expects workers for. */
export function exposedFqns(manifest: Manifest): Set<string>
{
    return new Set(manifest.procedures.filter(procedure => procedure.access !== 'private').map(procedure => procedure.fqn));
}
