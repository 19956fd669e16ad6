import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { checkJitarFile, isJitarFile } from './jitar-file-schema.js';
import { resolveFolders, type JitarConfig } from './jitar-folders.js';
import { parseJsonText } from './json-syntax.js';

/**
 * jitar.json as the runtime and the tsc plugin read it. jitar-compile reports every problem of the file
 * at its line; this reader, which keeps the compiler out of a deployed process, stops at the first.
 */
export function readJitarConfig(cwd: string, configPath = 'jitar.json'): JitarConfig
{
    const file = resolve(cwd, configPath);
    if (!existsSync(file)) return resolveFolders(cwd, {});
    const parsed = parseJsonText(readFileSync(file, 'utf8'));
    if (!parsed.ok) throw new Error(`${configPath}:${parsed.error.line}:${parsed.error.column}: invalid JSON: ${parsed.error.message}`);
    if (!isJitarFile(parsed.value)) throw new Error(`${configPath}: ${checkJitarFile(parsed.value)[0]?.message ?? 'does not match its schema'}`);
    return resolveFolders(dirname(file), parsed.value);
}
