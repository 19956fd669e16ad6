import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runCli } from '../cli/run-cli.js';
import { fixtureApp } from '../compiler/fixture-apps.js';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const JITAR = join(REPOSITORY, 'lib/cli/jitar.js');

/**
 * A fixture app copied to a folder of its own, depending on this package the way a user's app does
 * (node_modules/jitar), and built with jitar-compile.
 */
export function prepareApp(name: string): { root: string; remove(): void }
{
    const root = mkdtempSync(join(tmpdir(), `jitar-e2e-${name}-`));
    cpSync(fixtureApp(name), root, { recursive: true, filter: source => !source.endsWith('/dist') });
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(REPOSITORY, join(root, 'node_modules/jitar'), 'dir');
    symlinkSync(join(REPOSITORY, 'node_modules/@types'), join(root, 'node_modules/@types'), 'dir');
    const built = runCli('jitar-compile', [], root);
    if (built.status !== 0) throw new Error(`jitar-compile failed:\n${built.stdout}${built.stderr}`);
    return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
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

/** Starts `jitar start` for a service file of the app and waits until it answers on /health; `env.PORT` picks the port. */
export async function startJitar(root: string, service: string, env: Record<string, string> = {}, args: string[] = []): Promise<JitarProcess>
{
    const port = env.PORT === undefined ? await freePort() : Number(env.PORT);
    const child = spawn(process.execPath, [JITAR, 'start', `--service=${service}`, ...args], {
        cwd: root, env: { ...process.env, PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
    const url = `http://127.0.0.1:${port}`;

    const deadline = Date.now() + 20_000;
    for (;;)
    {
        if (child.exitCode !== null) throw new Error(`jitar start exited with ${child.exitCode}:\n${output}`);
        try
        {
            if ((await fetch(`${url}/health`)).ok) break;
        }
        catch
        {
            // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`jitar start did not answer within 20 s:\n${output}`);
        await new Promise(resolve => setTimeout(resolve, 50));
    }

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
