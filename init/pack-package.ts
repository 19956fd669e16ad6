import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** What `npm pack --json` says of each package it packed (the fields read here). */
interface PackResult
{
    filename: string;
}

function isPackResults(value: unknown): value is PackResult[]
{
    return Array.isArray(value) && value.every(entry => typeof entry === 'object' && entry !== null && 'filename' in entry && typeof entry.filename === 'string');
}

/**
 * Packs this package (its folder as it is: `lib/` built, as in a clone after `npm install`) into a tarball
 * in `destination`, the way it would be published, and answers the tarball's file name. npm itself packs,
 * so the tarball holds exactly what the `files` field of package.json names.
 */
export function packPackage(packageRoot: string, destination: string): string
{
    // A clone's lib/ comes from its `npm install` (the prepare script); without it the tarball holds no code.
    if (!existsSync(join(packageRoot, 'lib/runtime/index.js'))) throw new Error(`jitar in '${packageRoot}' is not built (no lib/): run npm install (or npm run build) there first`);

    mkdirSync(destination, { recursive: true });
    // --ignore-scripts: packing must not rebuild lib/ (a build needs jitar's devDependencies, which an
    // installed jitar has not got). The folder is named rather than left to npm's idea of the current
    // project, which settings passed down by a surrounding npx or npm script could change.
    const pack = spawnSync('npm', ['pack', packageRoot, '--ignore-scripts', '--json', '--pack-destination', destination], { cwd: destination, encoding: 'utf8' });
    if (pack.error !== undefined) throw new Error(`Could not run npm to pack jitar: ${pack.error.message}`);
    if (pack.status !== 0) throw new Error(`npm pack of jitar in '${packageRoot}' failed:\n${pack.stderr.trim()}`);

    let results: unknown;
    try
    {
        results = JSON.parse(pack.stdout);
    }
    catch
    {
        results = undefined;
    }
    if (!isPackResults(results) || results.length !== 1) throw new Error(`npm pack of jitar in '${packageRoot}' answered something other than one package:\n${pack.stdout.trim()}`);
    return results[0].filename;
}
