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
    const run = spawnSync(process.execPath, [`${LIB}${command}.js`, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
