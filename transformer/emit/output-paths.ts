import { posix } from 'node:path';

/** Where jitar-compile's generated modules live, relative to the target folder. */
export const GENERATED_FOLDER = '.jitar';
export const PROXY_FOLDER = `${GENERATED_FOLDER}/proxies`;
export const SEGMENT_FOLDER = `${GENERATED_FOLDER}/segments`;
export const CALL_MODULE = `${GENERATED_FOLDER}/call.js`;

const OUTPUT_EXTENSIONS: Record<string, string> = { '.ts': '.js', '.tsx': '.js', '.mts': '.mjs', '.cts': '.cjs', '.jsx': '.js' };

/** The emitted file of a source file, relative to the target (`domain/a.ts` -> `domain/a.js`). */
export function outputFile(sourceFile: string): string
{
    const extension = posix.extname(sourceFile);
    return extension in OUTPUT_EXTENSIONS ? sourceFile.slice(0, -extension.length) + OUTPUT_EXTENSIONS[extension] : sourceFile;
}

export function proxyFile(module: string): string
{
    return `${PROXY_FOLDER}/${module}.js`;
}

/** An import specifier from one target-relative file to another, as Node's ESM loader wants it. */
export function relativeSpecifier(fromFile: string, toFile: string): string
{
    const path = posix.relative(posix.dirname(fromFile), toFile);
    return path.startsWith('../') ? path : `./${path}`;
}
