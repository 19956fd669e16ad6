import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MANIFEST_FORMAT, MANIFEST_PATH, type Manifest } from '../manifest.js';

/**
 * Reading the manifest jitar-compile wrote, and checking that it is one this version reads: the one
 * place that does, for the runtime (start-service), tspc (transformer/plugin.ts), Vite
 * (transformer/vite/plugin.ts) and `jitar-compile --against`.
 */

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
    return existsSync(file) ? readManifestFile(file) : undefined;
}

/** A manifest file; throws, naming the file, when it is not JSON or not a manifest of this version's format. */
export function readManifestFile(file: string): Manifest
{
    let manifest: unknown;
    try
    {
        manifest = JSON.parse(readFileSync(file, 'utf8'));
    }
    catch (error)
    {
        throw new Error(`The manifest at '${file}' is not valid JSON (${error instanceof Error ? error.message : String(error)}): rebuild the app with jitar-compile`);
    }
    const problem = manifestProblem(manifest);
    if (problem !== undefined) throw new Error(`The manifest at '${file}' ${problem}: rebuild the app with this version's jitar-compile`);
    return manifest as Manifest;
}

/** Why a parsed value is not a manifest this version reads, as the end of a sentence; undefined when it is one. */
export function manifestProblem(value: unknown): string | undefined
{
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a jitar manifest (not a JSON object)';
    const candidate = value as Partial<Record<keyof Manifest, unknown>>;
    if (candidate.format !== MANIFEST_FORMAT) return `has format ${String(candidate.format)}, this version of jitar reads format ${MANIFEST_FORMAT}`;
    const missing = [
        ...Array.isArray(candidate.procedures) ? [] : ['procedures'],
        ...Array.isArray(candidate.classes) ? [] : ['classes'],
        ...typeof candidate.$defs === 'object' && candidate.$defs !== null ? [] : ['$defs']
    ];
    return missing.length === 0 ? undefined : `is not a jitar manifest (it has no ${missing.map(key => `'${key}'`).join(', ')})`;
}

/** The FQNs a build lets callers reach (public and protected): those a gateway expects workers for. */
export function exposedFqns(manifest: Manifest): Set<string>
{
    return new Set(manifest.procedures.filter(procedure => procedure.access !== 'private').map(procedure => procedure.fqn));
}
