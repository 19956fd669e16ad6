/**
 * Module loader hooks (node:module's register) for jitar dev: they run in the loader's own thread and
 * give each module of the app a version in its URL. Node keeps every module it loaded by URL for the
 * life of the process; a new version is a new URL, so importing a changed module again evaluates its new
 * code. Only the modules that changed get a new version, and the modules that import them (which must
 * bind to the new ones): the others, and the state they hold, stay.
 */
import type { InitializeHook, ResolveHook } from 'node:module';
import type { MessagePort } from 'node:worker_threads';

export interface VersionHookData
{
    port: MessagePort;
}

/** A round's changed files (absolute paths), and the id its acknowledgement carries. */
export interface VersionBump
{
    id: number;
    changed: string[];
}

const QUERY = 'jitar-version';

/** By file path: its current version (absent: never changed, its plain URL). */
const versions = new Map<string, number>();
/** By file path: the files that import it, as the loader resolved them. */
const importers = new Map<string, Set<string>>();
let generation = 0;

export const initialize: InitializeHook<VersionHookData> = ({ port }) =>
{
    port.on('message', ({ id, changed }: VersionBump) =>
    {
        generation += 1;
        const queue = [...changed];
        const seen = new Set<string>();
        for (let path = queue.pop(); path !== undefined; path = queue.pop())
        {
            if (seen.has(path)) continue;
            seen.add(path);
            versions.set(path, generation);
            queue.push(...importers.get(path) ?? []);
        }
        port.postMessage({ id, versioned: [...seen] });
    });
    // The port must not keep the process alive on its own.
    port.unref();
};

export const resolve: ResolveHook = async (specifier, context, nextResolve) =>
{
    const resolved = await nextResolve(specifier, context);
    if (!resolved.url.startsWith('file:')) return resolved;
    const path = pathOf(resolved.url);
    if (context.parentURL?.startsWith('file:') === true)
    {
        const parents = importers.get(path) ?? new Set<string>();
        parents.add(pathOf(context.parentURL));
        importers.set(path, parents);
    }
    const version = versions.get(path);
    return version === undefined ? resolved : { ...resolved, url: `${resolved.url.split('?')[0]}?${QUERY}=${version}` };
};

function pathOf(url: string): string
{
    return decodeURIComponent(new URL(url).pathname);
}
