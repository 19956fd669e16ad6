import { Module } from 'node:module';

/**
 * On Node 22.1 and later: V8's code cache for every module this command loads, Node's own
 * (module.enableCompileCache, which tsc turns on too), so that a build or start compiles no unchanged
 * code again. Node 20 has none; there the compiler keeps one for ts-morph alone (transformer/code-cache.ts).
 * Called first, before the command loads what it runs.
 */
export function enableCompileCache(): void
{
    (Module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
}
