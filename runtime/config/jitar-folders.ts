import { resolve } from 'node:path';

/** jitar.json, resolved: every folder absolute. */
export interface JitarConfig
{
    /** The folder holding jitar.json (or the working folder when there is none): the app's root. */
    root: string;
    source: string;
    target: string;
    segments: string;
    resources: string;
    /** `build.ignore`: globs, relative to `source`, of files left out of the build (jitar-compile reads it). */
    ignore?: readonly string[];
}

export const FOLDER_DEFAULTS = { source: './src', target: './dist', segments: './segments', resources: './resources' } as const;

export type FolderKey = keyof typeof FOLDER_DEFAULTS;

export const isFolderKey = (key: string): key is FolderKey => Object.hasOwn(FOLDER_DEFAULTS, key);

export function resolveFolders(root: string, folders: Partial<Record<FolderKey, string>>): JitarConfig
{
    const folder = (key: FolderKey): string => resolve(root, folders[key] ?? FOLDER_DEFAULTS[key]);
    return { root, source: folder('source'), target: folder('target'), segments: folder('segments'), resources: folder('resources') };
}
