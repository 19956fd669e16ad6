import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version of this package, read from its package.json. Searched upwards because this module runs
 * from `runtime/` under the tests and from `lib/runtime/` once built.
 */
export function packageVersion(): string
{
    let folder = dirname(fileURLToPath(import.meta.url));
    for (;;)
    {
        const candidate = join(folder, 'package.json');
        if (existsSync(candidate))
        {
            const { name, version } = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
            if (name === 'jitar' && version !== undefined) return version;
        }
        const parent = dirname(folder);
        if (parent === folder) throw new Error('package.json of jitar not found');
        folder = parent;
    }
}
