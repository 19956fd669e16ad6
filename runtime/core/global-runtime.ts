/**
 * Proxies reach the runtime of their process through one well-known global, not through an import: the
 * emitted code then works in Node and in the browser alike, and two copies of the jitar package in one
 * process still share one runtime.
 */
export const RUNTIME_KEY = Symbol.for('jitar.runtime');

/** What a proxy asks of the runtime: run `fqn@version` with the arguments it was called with. */
export interface ProxyTarget
{
    run(fqn: string, version: string, args: ArrayLike<unknown>): Promise<unknown>;
}

type WithRuntime = typeof globalThis & { [RUNTIME_KEY]?: ProxyTarget };

export function currentRuntime(): ProxyTarget | undefined
{
    return (globalThis as WithRuntime)[RUNTIME_KEY];
}

export function installRuntime(runtime: ProxyTarget): void
{
    (globalThis as WithRuntime)[RUNTIME_KEY] = runtime;
}

export function uninstallRuntime(runtime: ProxyTarget): void
{
    const global = globalThis as WithRuntime;
    if (global[RUNTIME_KEY] === runtime) delete global[RUNTIME_KEY];
}
