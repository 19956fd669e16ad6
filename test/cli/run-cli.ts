import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface CliRun
{
    status: number | null;
    stdout: string;
    stderr: string;
}

const LIB = fileURLToPath(new URL('../../lib/cli/', import.meta.url));

/** Runs a built command (`npm test` builds before testing) as a user would, in `cwd`. */
export function runCli(command: 'jitar' | 'jitar-compile', args: string[], cwd: string): CliRun
{
    return runNode([`${LIB}${command}.js`, ...args], cwd);
}

/** Runs a Node script in a process of its own, with this process's environment and `env` over it. */
export function runNode(args: string[], cwd: string, env: Record<string, string> = {}): CliRun
{
    const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
