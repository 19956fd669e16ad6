import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { resolveFolders, type FolderKey, type JitarConfig } from './jitar-folders.js';

/**
 * jitar.json as the runtime and the tsc plugin read it: jitar-compile has already checked it, so plain
 * JSON parsing is enough here (and keeps the compiler out of a deployed process).
 */
export function readJitarConfig(cwd: string, configPath = 'jitar.json'): JitarConfig
{
    const file = resolve(cwd, configPath);
    if (!existsSync(file)) return resolveFolders(cwd, {});
    const folders = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<FolderKey, string>>;
    return resolveFolders(dirname(file), folders);
}
