import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A module of the app named in a service file (relative to the source root), in its emitted form. */
export async function importAppModule(target: string, path: string, what: string): Promise<unknown>
{
    const relative = path.replace(/^\.\//, '').replace(/\.[cm]?tsx?$/, '');
    const candidates = /\.[cm]?js$/.test(relative) ? [relative] : [`${relative}.js`, `${relative}/index.js`];
    const file = candidates.map(candidate => join(target, candidate)).find(candidate => existsSync(candidate));
    if (file === undefined) throw new Error(`${what} module '${path}' not found in the build output (looked for ${candidates.join(', ')}); run jitar-compile`);
    const module = await import(pathToFileURL(file).href) as { default?: unknown };
    return module.default;
}
