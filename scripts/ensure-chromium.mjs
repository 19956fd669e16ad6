#!/usr/bin/env node
/**
 * Part of `npm test`, before anything is built: the browser tests drive a real Chromium, and no test tool
 * may download a browser of its own. So this finds one (CHROMIUM_PATH, else Debian's /usr/bin/chromium)
 * or installs Debian's package when it can (as root, with apt-get); otherwise it says in one line what to
 * install and stops the test run before it starts.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

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

const chosen = process.env.CHROMIUM_PATH;
if (chosen !== undefined && chosen !== '')
{
    if (!executable(chosen)) stop(`CHROMIUM_PATH is '${chosen}', which is not an executable file: point it at a Chromium or Chrome binary, or unset it to use Debian's chromium.`);
    process.exit(0);
}
if (executable(DEBIAN_CHROMIUM)) process.exit(0);

const hasAptGet = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const instruction = `The browser tests need Chromium: run 'sudo apt-get install -y chromium' (Debian), or set CHROMIUM_PATH to a Chromium binary; then run npm test again.`;
if (!hasAptGet || !isRoot) stop(instruction);

console.log(`${DEBIAN_CHROMIUM} not found: installing Debian's chromium for the browser tests (apt-get install chromium)`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']])
{
    const run = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (run.status !== 0) stop(`'apt-get ${args.join(' ')}' failed (exit ${run.status ?? run.signal}). ${instruction}`);
}
if (!executable(DEBIAN_CHROMIUM)) stop(`apt-get installed chromium, but ${DEBIAN_CHROMIUM} is still missing. ${instruction}`);
