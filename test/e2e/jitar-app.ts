import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Agent, fetch as undiciFetch } from 'undici';

import { runCli } from '../cli/run-cli.js';
import { fixtureApp } from '../transformer/fixture-apps.js';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const JITAR = join(REPOSITORY, 'lib/cli/jitar.js');

/**
 * A fixture app copied to a folder of its own, depending on this package the way a user's app does
 * (node_modules/jitar), and built with jitar-compile.
 */
export function prepareApp(name: string): { root: string; remove(): void }
{
    const app = copyApp(fixtureApp(name), name);
    mkdirSync(join(app.root, 'node_modules'));
    symlinkSync(REPOSITORY, join(app.root, 'node_modules/jitar'), 'dir');
    symlinkSync(join(REPOSITORY, 'node_modules/@types'), join(app.root, 'node_modules/@types'), 'dir');
    const built = runCli('jitar-compile', [], app.root);
    if (built.status !== 0) throw new Error(`jitar-compile failed:\n${built.stdout}${built.stderr}`);
    return app;
}

/** An app's folder copied to a temporary folder of its own, without what a build or an install left there. */
export function copyApp(source: string, label: string): { root: string; remove(): void }
{
    const root = mkdtempSync(join(tmpdir(), `jitar-e2e-${label}-`));
    cpSync(source, root, { recursive: true, filter: path => !/\/(dist|node_modules)$/.test(path) });
    return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Gives an app the packages that `npm install` would, without the network: each package this repository
 * installed, and this package itself as `jitar` (with its commands in node_modules/.bin).
 */
export function linkPackages(root: string): void
{
    const modules = join(root, 'node_modules');
    mkdirSync(join(modules, '.bin'), { recursive: true });
    const installed = join(REPOSITORY, 'node_modules');
    for (const entry of readdirSync(installed))
    {
        if (entry !== '.bin' && !entry.startsWith('.')) symlinkSync(join(installed, entry), join(modules, entry), 'dir');
    }
    // The repository's commands point into its node_modules relatively: the same links work from here.
    for (const command of readdirSync(join(installed, '.bin'))) symlinkSync(readlinkSync(join(installed, '.bin', command)), join(modules, '.bin', command));
    symlinkSync(REPOSITORY, join(modules, 'jitar'), 'dir');
    // npm would make the built commands executable; a script that runs them with this Node does as well.
    for (const command of ['jitar', 'jitar-compile'])
    {
        writeFileSync(join(modules, '.bin', command), `#!/bin/sh\nexec "${process.execPath}" "${join(REPOSITORY, 'lib/cli', `${command}.js`)}" "$@"\n`, { mode: 0o755 });
    }
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number>
{
    return new Promise((resolve, reject) =>
    {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () =>
        {
            const address = server.address();
            server.close(() => typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')));
        });
    });
}

export interface JitarProcess
{
    url: string;
    process: ChildProcess;
    output(): string;
    /** Sends SIGTERM to the process by its PID and waits for it to exit; gives its exit code. */
    stop(): Promise<number | null>;
}

export interface StartJitarOptions
{
    /** The service serves https with a certificate this CA (PEM) signed: /health is asked over https, trusting it. */
    ca?: Buffer;
}

/** Starts `jitar start` for a service file of the app and waits until it answers on /health; `env.PORT` picks the port. */
export function startJitar(root: string, service: string, env: Record<string, string> = {}, args: string[] = [], options: StartJitarOptions = {}): Promise<JitarProcess>
{
    return startJitarCommand(JITAR, root, service, env, args, options);
}

/** As startJitar, with another jitar command: an app's own node_modules/.bin/jitar, say. */
export async function startJitarCommand(command: string, root: string, service: string, env: Record<string, string> = {}, args: string[] = [], options: StartJitarOptions = {}): Promise<JitarProcess>
{
    const port = env.PORT === undefined ? await freePort() : Number(env.PORT);
    const child = spawn(process.execPath, [command, 'start', `--service=${service}`, ...args], {
        cwd: root, env: { ...process.env, PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
    const url = `${options.ca === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
    const trusting = options.ca === undefined ? undefined : new Agent({ connect: { ca: options.ca } });
    const healthy = async (): Promise<boolean> => (trusting === undefined ? await fetch(`${url}/health`) : await undiciFetch(`${url}/health`, { dispatcher: trusting })).ok;

    const deadline = Date.now() + 20_000;
    for (;;)
    {
        if (child.exitCode !== null) throw new Error(`jitar start exited with ${child.exitCode}:\n${output}`);
        try
        {
            if (await healthy()) break;
        }
        catch
        {
            // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`jitar start did not answer within 20 s:\n${output}`);
        await new Promise(resolve => setTimeout(resolve, 50));
    }
    await trusting?.destroy();

    return {
        url, process: child, output: () => output,
        stop: async () =>
        {
            if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
            {
                try
                {
                    process.kill(child.pid, 'SIGTERM');
                }
                catch
                {
                    // exited meanwhile (killed by the test, say)
                }
            }
            return exited;
        }
    };
}

/** Runs `jitar start` expecting it to fail at start; gives its exit code and output. */
export function failingStart(root: string, service: string, env: Record<string, string> = {}, args: string[] = []): Promise<{ code: number | null; output: string }>
{
    return new Promise(resolve =>
    {
        const child = spawn(process.execPath, [JITAR, 'start', `--service=${service}`, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
        child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', code => { clearTimeout(timer); resolve({ code, output }); });
    });
}

/**
 * Waits for a state rather than for a time: polls `condition` until it holds, and fails naming `what`
 * after `timeout` ms, which leaves room for a loaded machine.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeout = 20_000): Promise<void>
{
    const deadline = Date.now() + timeout;
    while (!await condition())
    {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
        await new Promise(resolve => setTimeout(resolve, 20));
    }
}
