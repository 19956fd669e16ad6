#!/usr/bin/env node
/**
 * Runs the jest suite several times in a row while a CPU-bound loop keeps one core busy, as on a shared
 * 2-core CI machine: `npm run test:loaded [-- --runs=5] [-- jest arguments]`. The loop is a child process
 * stopped by its PID however this script ends. Exits non-zero when any run failed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '5' } }, allowPositionals: true, strict: true });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, not '${values.runs}'`);

const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
const stopBusy = () =>
{
    if (busy.exitCode !== null || busy.signalCode !== null) return;
    try { process.kill(busy.pid, 'SIGKILL'); } catch { /* already gone */ }
};
process.on('exit', stopBusy);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stopBusy(); process.exit(130); });
console.log(`busy loop on one core: PID ${busy.pid}`);

const results = [];
for (let run = 1; run <= runs; run++)
{
    const started = Date.now();
    const jest = spawnSync(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', ...positionals], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
    // jest writes its report to stderr: pass it on, and keep its closing counts for the summary.
    process.stderr.write(jest.stderr);
    const tests = /^Tests:\s+(.*)$/m.exec(jest.stderr)?.[1] ?? 'no summary';
    const failed = /^(FAIL .*)$/gm;
    results.push({ run, status: jest.status, seconds: Math.round((Date.now() - started) / 1000), tests, failures: [...jest.stderr.matchAll(failed)].map(match => match[1]) });
}
stopBusy();

console.log(`\n${runs} runs with one core kept busy:`);
for (const result of results) console.log(`  run ${result.run}: ${result.status === 0 ? 'green' : 'FAILED'} in ${result.seconds} s, ${result.tests}${result.failures.length > 0 ? `\n    ${result.failures.join('\n    ')}` : ''}`);
process.exit(results.every(result => result.status === 0) ? 0 : 1);
