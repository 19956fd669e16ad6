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
    /** jitar.json's `build` settings as written (Jitar 0.11's key); undefined when the file has none. */
    build?: BuildSettings;
}

/** jitar.json's `build`: what jitar-compile does beyond the folders. */
export interface BuildSettings
{
    /** Glob patterns (relative to the source folder) of files the build leaves out. */
    ignore?: string[];
}

/** jitar.json as written: every key optional, folders relative to the file (schemas/jitar.schema.json). */
export interface JitarFile
{
    $schema?: string;
    source?: string;
    target?: string;
    segments?: string;
    resources?: string;
    build?: BuildSettings;
}

export const FOLDER_DEFAULTS = { source: './src', target: './dist', segments: './segments', resources: './resources' } as const;

export type FolderKey = keyof typeof FOLDER_DEFAULTS;

export const isFolderKey = (key: string): key is FolderKey => Object.hasOwn(FOLDER_DEFAULTS, key);

export function resolveFolders(root: string, file: JitarFile): JitarConfig
{
    const folder = (key: FolderKey): string => resolve(root, file[key] ?? FOLDER_DEFAULTS[key]);
    const config: JitarConfig = { root, source: folder('source'), target: folder('target'), segments: folder('segments'), resources: folder('resources') };
    if (file.build !== undefined) config.build = { ...file.build };
    return config;
}
