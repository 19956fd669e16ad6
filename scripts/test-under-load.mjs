#!/usr/bin/env node
/**
 * Runs the jest suite several times in a row while a CPU-bound loop keeps one core busy, as on a shared
 * 2-core CI machine: `npm run test:loaded [-- --runs=5] [-- jest arguments]`. The loop is a child process
 * stopped by its PID however this script ends (a signal stops the run under way too). Exits non-zero
 * when any run failed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '5' } }, allowPositionals: true, strict: true });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, not '${values.runs}'`);

const children = new Set();
const stopAll = () =>
{
    for (const child of children)
    {
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
};
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stopAll(); process.exit(130); });

const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
children.add(busy);
console.log(`busy loop on one core: PID ${busy.pid}`);

/** One jest run: its report goes to this process's stderr as it comes, and its counts are kept. */
function jest()
{
    return new Promise(resolve =>
    {
        const child = spawn(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', ...positionals], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] });
        children.add(child);
        let report = '';
        child.stderr.on('data', chunk => { report += chunk; process.stderr.write(chunk); });
        child.on('exit', code => { children.delete(child); resolve({ code, report }); });
    });
}

const results = [];
for (let run = 1; run <= runs; run++)
{
    const started = Date.now();
    const { code, report } = await jest();
    const tests = /^Tests:\s+(.*)$/m.exec(report)?.[1] ?? 'no summary';
    const failures = [...new Set([...report.matchAll(/^(FAIL .*)$/gm)].map(match => match[1]))];
    results.push({ run, code, seconds: Math.round((Date.now() - started) / 1000), tests, failures });
    console.log(`run ${run} of ${runs}: ${code === 0 ? 'green' : 'FAILED'}, ${tests}`);
}
stopAll();

console.log(`\n${runs} runs with one core kept busy:`);
for (const result of results) console.log(`  run ${result.run}: ${result.code === 0 ? 'green' : 'FAILED'} in ${result.seconds} s, ${result.tests}${result.failures.length > 0 ? `\n    ${result.failures.join('\n    ')}` : ''}`);
process.exit(results.every(result => result.code === 0) ? 0 : 1);
