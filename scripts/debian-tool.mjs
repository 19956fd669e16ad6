/**
 * What scripts/ensure-chromium.mjs and scripts/ensure-nats.mjs share: find a program the tests drive
 * (a path from an environment variable, else Debian's, else one on the PATH when allowed), or install
 * Debian's package when this process can (as root, with apt-get); otherwise say in one line what to
 * install and stop the test run before it starts.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

function executable(path)
{
    try
    {
        accessSync(path, constants.X_OK);
        return true;
    }
    catch
    {
        return false;
    }
}

function stop(message)
{
    console.error(`\n${message}\n`);
    process.exit(1);
}

/**
 * @param {object} tool
 * @param {string} tool.pkg Debian's package name
 * @param {string} tool.path where Debian's package puts the program
 * @param {string} tool.envVar the variable that points at another binary
 * @param {string} tool.purpose which tests need it, as in "The <purpose> need <what>"
 * @param {string} tool.what the program's name in messages
 * @param {string} tool.binaryHint what the variable must point at
 * @param {string} [tool.onPath] a command whose `--version` succeeding means it is on the PATH
 */
export function ensureDebianTool({ pkg, path, envVar, purpose, what, binaryHint, onPath })
{
    const chosen = process.env[envVar];
    if (chosen !== undefined && chosen !== '')
    {
        if (!executable(chosen)) stop(`${envVar} is '${chosen}', which is not an executable file: point it at ${binaryHint}, or unset it to use Debian's ${pkg}.`);
        return;
    }
    if (executable(path)) return;
    if (onPath !== undefined && spawnSync(onPath, ['--version'], { stdio: 'ignore' }).status === 0) return;

    const hasAptGet = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const instruction = `The ${purpose} need ${what}: run 'sudo apt-get install -y ${pkg}' (Debian), or set ${envVar} to ${binaryHint}; then run npm test again.`;
    if (!hasAptGet || !isRoot) stop(instruction);

    console.log(`${path} not found: installing Debian's ${pkg} for the ${purpose} (apt-get install ${pkg})`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update'], ['install', '-y', '--no-install-recommends', pkg]])
    {
        const run = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
        if (run.status !== 0) stop(`'apt-get ${args.join(' ')}' failed (exit ${run.status ?? run.signal}). ${instruction}`);
    }
    if (!executable(path)) stop(`apt-get installed ${pkg}, but ${path} is still missing. ${instruction}`);
}
