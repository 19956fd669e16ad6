import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageJson
{
    name: string;
    version: string;
    devDependencies?: Record<string, string>;
}

/** The version of this package, read from its package.json. */
export function packageVersion(): string
{
    return packageJson().json.version;
}

/**
 * This package's package.json and folder. Searched upwards because this module runs from `runtime/`
 * under the tests and from `lib/runtime/` once built.
 */
export function packageJson(): { root: string; json: PackageJson }
{
    let folder = dirname(fileURLToPath(import.meta.url));
    for (;;)
    {
        const candidate = join(folder, 'package.json');
        if (existsSync(candidate))
        {
            const json = JSON.parse(readFileSync(candidate, 'utf8')) as Partial<PackageJson>;
            if (json.name === 'jitar' && json.version !== undefined) return { root: folder, json: json as PackageJson };
        }
        const parent = dirname(folder);
        if (parent === folder) throw new Error('package.json of jitar not found');
        folder = parent;
    }
}
