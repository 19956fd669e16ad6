import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where `jitar-compile` writes the app's OpenAPI document, relative to the target folder, next to the manifest. */
export const OPENAPI_PATH = '.jitar/openapi.json';

/** The app's OpenAPI document as jitar-compile wrote it (parsed), or undefined when the build has none. */
export function readOpenApiDocument(target: string): Record<string, unknown> | undefined
{
    const file = join(target, OPENAPI_PATH);
    if (!existsSync(file)) return undefined;
    try
    {
        return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    }
    catch (error)
    {
        throw new Error(`The OpenAPI document at '${file}' is not valid JSON (${error instanceof Error ? error.message : String(error)}): rebuild the app with jitar-compile`);
    }
}

/** The document with only the paths of the procedures a process serves (`/rpc/<fqn>`). */
export function servedPaths(document: Record<string, unknown>, fqns: readonly string[]): Record<string, unknown>
{
    const paths = document.paths;
    if (typeof paths !== 'object' || paths === null) return document;
    const served = new Set(fqns.map(fqn => `/rpc/${fqn}`));
    return { ...document, paths: Object.fromEntries(Object.entries(paths).filter(([path]) => served.has(path))) };
}
