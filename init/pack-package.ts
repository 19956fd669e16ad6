import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `npm pack --json` says of each package it packed (the fields read here). */
interface PackResult
{
    filename: string;
    files: { path: string }[];
}

function isPackResults(value: unknown): value is PackResult[]
{
    return Array.isArray(value) && value.every(entry => typeof entry === 'object' && entry !== null
        && 'filename' in entry && typeof entry.filename === 'string'
        && 'files' in entry && Array.isArray(entry.files) && entry.files.every((file: unknown) => typeof file === 'object' && file !== null && 'path' in file && typeof file.path === 'string'));
}

/**
 * Packs this package (its folder as it is: `lib/` built, as in a clone after `npm install`) into a tarball
 * in `destination`, the way it would be published, and answers the tarball's file name. npm itself says
 * which files go in, so the tarball holds exactly what the `files` field of package.json names.
 *
 * The packed package.json has no `scripts`: they are this clone's (build, test, benchmarks), none runs in
 * an installed jitar, and its `prepare` made npm list the app's jitar among the dependencies whose install
 * scripts await review, suggesting to approve it by the tarball's absolute path.
 */
export function packPackage(packageRoot: string, destination: string): string
{
    // A clone's lib/ comes from its `npm install` (the prepare script); without it the tarball holds no code.
    if (!existsSync(join(packageRoot, 'lib/runtime/index.js'))) throw new Error(`jitar in '${packageRoot}' is not built (no lib/): run npm install (or npm run build) there first`);

    mkdirSync(destination, { recursive: true });
    const [listed] = npmPack(packageRoot, destination, ['--dry-run']);
    const staging = mkdtempSync(join(tmpdir(), 'jitar-pack-'));
    try
    {
        for (const { path } of listed.files)
        {
            mkdirSync(dirname(join(staging, path)), { recursive: true });
            copyFileSync(join(packageRoot, path), join(staging, path));
        }
        const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
        delete manifest.scripts;
        writeFileSync(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
        return npmPack(staging, destination, [])[0].filename;
    }
    finally
    {
        rmSync(staging, { recursive: true, force: true });
    }
}

/** `npm pack` of `folder` into `destination`: what npm says it packed (or would pack, with --dry-run). */
function npmPack(folder: string, destination: string, extra: string[]): [PackResult]
{
    // --ignore-scripts: packing must not rebuild lib/ (a build needs jitar's devDependencies, which an
    // installed jitar has not got). The folder is named rather than left to npm's idea of the current
    // project, which settings passed down by a surrounding npx or npm script could change.
    const pack = spawnSync('npm', ['pack', folder, '--ignore-scripts', '--json', '--pack-destination', destination, ...extra], { cwd: destination, encoding: 'utf8' });
    if (pack.error !== undefined) throw new Error(`Could not run npm to pack jitar: ${pack.error.message}`);
    if (pack.status !== 0) throw new Error(`npm pack of jitar in '${folder}' failed:\n${pack.stderr.trim()}`);

    let results: unknown;
    try
    {
        results = JSON.parse(pack.stdout);
    }
    catch
    {
        results = undefined;
    }
    if (!isPackResults(results) || results.length !== 1) throw new Error(`npm pack of jitar in '${folder}' answered something other than one package:\n${pack.stdout.trim()}`);
    return [results[0]];
}
