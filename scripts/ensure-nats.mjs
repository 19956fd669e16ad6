#!/usr/bin/env node
/**
 * Part of `npm test`, before anything is built: the NATS tests start nats-server processes of their own
 * (on free ports of 127.0.0.1). So this finds the server (NATS_SERVER_PATH, else Debian's
 * /usr/sbin/nats-server, else one on the PATH) or installs Debian's package when it can (as root, with
 * apt-get); otherwise it says in one line what to install and stops the test run before it starts.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const DEBIAN_NATS = '/usr/sbin/nats-server';

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

const chosen = process.env.NATS_SERVER_PATH;
if (chosen !== undefined && chosen !== '')
{
    if (!executable(chosen)) stop(`NATS_SERVER_PATH is '${chosen}', which is not an executable file: point it at a nats-server binary, or unset it to use Debian's nats-server.`);
    process.exit(0);
}
if (executable(DEBIAN_NATS)) process.exit(0);
if (spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0) process.exit(0);

const hasAptGet = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const instruction = `The NATS tests need nats-server: run 'sudo apt-get install -y nats-server' (Debian), or set NATS_SERVER_PATH to a nats-server binary; then run npm test again.`;
if (!hasAptGet || !isRoot) stop(instruction);

console.log(`${DEBIAN_NATS} not found: installing Debian's nats-server for the NATS tests (apt-get install nats-server)`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'nats-server']])
{
    const run = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (run.status !== 0) stop(`'apt-get ${args.join(' ')}' failed (exit ${run.status ?? run.signal}). ${instruction}`);
}
if (!executable(DEBIAN_NATS)) stop(`apt-get installed nats-server, but ${DEBIAN_NATS} is still missing. ${instruction}`);
