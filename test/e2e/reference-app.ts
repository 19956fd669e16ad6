import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { copyApp, startJitarCommand, type JitarProcess } from './jitar-app.js';

/**
 * The reference Jitar runtime (`jitar@0.10.6` from the npm registry, installed in test/reference/ by
 * scripts/ensure-reference.mjs) and its fixture app, test/fixtures/reference-app, built by its own
 * `jitar build`. Its CLI is started by path: it is never on this package's PATH.
 */
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const REFERENCE_PACKAGE = join(REPOSITORY, 'test/reference/node_modules/jitar-reference');
export const REFERENCE_CLI = join(REFERENCE_PACKAGE, 'dist/cli.js');

/** A copy of the reference fixture app, built by the reference's `jitar build`. */
export function prepareReferenceApp(): { root: string; remove(): void }
{
    if (!existsSync(REFERENCE_CLI)) throw new Error('The reference runtime is not installed: run node scripts/ensure-reference.mjs (npm test does)');
    const app = copyApp(join(REPOSITORY, 'test/fixtures/reference-app'), 'reference');
    // Its built segments import 'jitar': the reference package, as its own app would have it installed.
    mkdirSync(join(app.root, 'node_modules'));
    symlinkSync(REFERENCE_PACKAGE, join(app.root, 'node_modules/jitar'), 'dir');
    const built = spawnSync(process.execPath, [REFERENCE_CLI, 'build'], { cwd: app.root, encoding: 'utf8' });
    if (built.status !== 0 || !existsSync(join(app.root, 'build/theirs.segment.js'))) throw new Error(`the reference's jitar build failed:\n${built.stdout}${built.stderr}`);
    return app;
}

/**
 * Starts a reference service and waits until it answers on /health. Stopping sends SIGINT, the only
 * signal on which the reference stops in order (a worker deregisters then), and waits for the exit.
 */
export async function startReference(root: string, service: string, env: Record<string, string> = {}): Promise<JitarProcess>
{
    const started = await startJitarCommand(REFERENCE_CLI, root, service, env);
    const child = started.process;
    const exited = new Promise<number | null>(resolve =>
    {
        if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
        else child.once('exit', code => resolve(code));
    });
    return {
        ...started,
        stop: async () =>
        {
            if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGINT');
            return exited;
        }
    };
}

/** Ends a process at once by its PID, as a crash would: no deregistration, no goodbye. */
export async function kill(started: JitarProcess): Promise<void>
{
    const child = started.process;
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    process.kill(child.pid, 'SIGKILL');
    await exited;
}

