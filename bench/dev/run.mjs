// Dev-loop benchmark: on the bench/compile app (1,000 procedures), the time from saving a one-line
// change in one procedure's body to the first HTTP answer of `jitar dev` that shows it, against the time
// `tsc --watch` takes to emit the same change (watched from its output file). Both run side by side in
// one run, each on a copy of its own, and take turns (alternating who goes first); medians are compared.
//
//   node bench/dev/run.mjs [--rounds=7] [--seed=1] [--modules=300] [--procedures=1000]
//
// Run `npm run build` first (or use `npm run bench:dev`), so that lib/ is current.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { generateApp } from '../compile/generate-app.mjs';
import { numberArgs } from '../lib/measure.mjs';
import { children, fail, freePort, runBenchmark } from '../lib/processes.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '..', '..');
const JITAR = join(repo, 'lib', 'cli', 'jitar.js');
const TSC = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const TARGET = 1.5;
const FIRST_BUILD_TIMEOUT = 180_000;
const CHANGE_TIMEOUT = 30_000;
/** Between two measured saves: the positions write of jitar dev (400 ms after a round) and any straggler are done. */
const SETTLE = 1500;


const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (value) => `${Math.round(value)} ms`;

async function waitFor(condition, what, timeout, child) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (child !== undefined && (child.process.exitCode !== null || child.process.signalCode !== null)) fail(`${child.label} exited while waiting for ${what} (its output follows)`);
    if (await condition()) return;
    if (Date.now() > deadline) fail(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(2);
  }
}

function spawnChild(label, args, cwd) {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { label, process: child, output: '' };
  children.push(entry);
  const collect = (chunk) => { entry.output = (entry.output + chunk.toString()).slice(-256 * 1024); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return entry;
}

/** A procedure whose body is one line that returns text (the generator's `primitives` kind), and its file. */
function findProcedure(appDir) {
  const pattern = /export async function (\w+)\(id: number, name: string, active: boolean\): Promise<string> \{\n {2}return `\$\{name\}:\$\{id\}:\$\{active\}`;/;
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]);
  for (const file of walk(join(appDir, 'src')).sort()) {
    const match = pattern.exec(readFileSync(file, 'utf8'));
    if (match) return { file: relative(appDir, file), name: match[1] };
  }
  fail('the generated app has no procedure of the primitives kind');
}

const RETURN_LINE = /return `\$\{name\}:\$\{id\}:\$\{active\}(?::r\d+)?`;/;

/** Saves the one-line change: the procedure's result gets the marker of this round. */
function saveChange(path, marker) {
  const text = readFileSync(path, 'utf8');
  if (!RETURN_LINE.test(text)) fail(`the return line to change is gone from ${path}`);
  writeFileSync(path, text.replace(RETURN_LINE, `return \`\${name}:\${id}:\${active}:${marker}\`;`));
}

await runBenchmark(async () => {
  const options = numberArgs(process.argv.slice(2), { rounds: 7, seed: 1, modules: 300, procedures: 1000 }, 'bench/dev/run.mjs');
  const jitarApp = join(here, 'generated', 'app-jitar');
  const tscApp = join(here, 'generated', 'app-tsc');
  console.log(`Generating two copies of the compile benchmark's app (seed ${options.seed}) ...`);
  for (const dir of [jitarApp, tscApp]) generateApp(dir, { modules: options.modules, procedures: options.procedures, seed: options.seed });
  const target = findProcedure(jitarApp);
  console.log(`  changed procedure: ${target.name} in ${target.file}`);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  console.log(`Starting jitar dev (${url}) and tsc --watch, and waiting for their first builds ...`);
  const dev = spawnChild('jitar dev', [JITAR, 'dev', `--port=${port}`, '--log-level=warn'], jitarApp);
  const tsc = spawnChild('tsc --watch', [TSC, '--watch', '--preserveWatchOutput', '-p', 'tsconfig.json', '--outDir', 'dist-tsc'], tscApp);

  await waitFor(() => /Watching for file changes/.test(tsc.output), 'the first build of tsc --watch', FIRST_BUILD_TIMEOUT, tsc);
  await waitFor(() => /Watching for changes/.test(dev.output), 'the first build of jitar dev', FIRST_BUILD_TIMEOUT, dev);
  const manifest = JSON.parse(readFileSync(join(jitarApp, 'dist', '.jitar', 'manifest.json'), 'utf8'));
  const module = target.file.replace(/^src\//, '').replace(/\.ts$/, '');
  const procedure = manifest.procedures.find((item) => item.module === module && item.exportName === target.name);
  if (procedure === undefined || procedure.access !== 'public') fail(`${target.name} of ${module} is not a public procedure of the build`);
  const callUrl = `${url}/rpc/${procedure.fqn}?id=7&name=x&active=true`;
  const headers = { 'x-jitar-procedure-version': procedure.version };
  const answer = async () => {
    const response = await fetch(callUrl, { headers });
    return response.ok ? await response.text() : `(${response.status})`;
  };
  await waitFor(async () => (await answer()).includes('x:7:true'), `the first answer of ${procedure.fqn}`, CHANGE_TIMEOUT, dev);
  const tscOutput = join(tscApp, 'dist-tsc', `${module}.js`);

  const measureJitar = async (marker) => {
    const started = performance.now();
    saveChange(join(jitarApp, target.file), marker);
    // Calls one after the other, as fast as they come back: the first answer with the marker ends the time.
    await waitFor(async () => (await answer()).includes(`:${marker}`), `jitar dev to answer with ${marker}`, CHANGE_TIMEOUT, dev);
    return performance.now() - started;
  };
  const measureTsc = async (marker) => {
    const started = performance.now();
    saveChange(join(tscApp, target.file), marker);
    await waitFor(() => { try { return readFileSync(tscOutput, 'utf8').includes(`:${marker}`); } catch { return false; } }, `tsc --watch to emit ${marker}`, CHANGE_TIMEOUT, tsc);
    return performance.now() - started;
  };

  // One round each, not recorded: the first change makes both warm up (jitar dev's first bodies-only round).
  await measureJitar('r0');
  await sleep(SETTLE);
  await measureTsc('r0');
  await sleep(SETTLE);

  const times = { jitar: [], tsc: [] };
  for (let round = 1; round <= options.rounds; round++) {
    const marker = `r${round}`;
    const order = round % 2 === 1 ? ['jitar', 'tsc'] : ['tsc', 'jitar'];
    const parts = [];
    for (const who of order) {
      const time = who === 'jitar' ? await measureJitar(marker) : await measureTsc(marker);
      times[who].push(time);
      parts.push(`${who === 'jitar' ? 'jitar dev (save to answer)' : 'tsc --watch (save to emit)'} ${ms(time)}`);
      await sleep(SETTLE);
    }
    console.log(`Round ${round}/${options.rounds}: ${parts.join(', ')}`);
  }

  // What jitar dev says of each round: build and load times, for the report.
  const reported = [...dev.output.matchAll(/built in (\d+) ms \((bodies only|analysed)\), loaded in (\d+) ms/g)].slice(-options.rounds);
  const jitarMedian = median(times.jitar);
  const tscMedian = median(times.tsc);
  const ratio = jitarMedian / tscMedian;
  console.log(`\nResults (${options.rounds} rounds, node ${process.version}, ${procedure.fqn} in a ${manifest.procedures.length}-procedure app):\n`);
  console.log(`  jitar dev, save to first answer showing it:  median ${ms(jitarMedian)} (min ${ms(Math.min(...times.jitar))}, max ${ms(Math.max(...times.jitar))})`);
  console.log(`  tsc --watch, save to emitted file:           median ${ms(tscMedian)} (min ${ms(Math.min(...times.tsc))}, max ${ms(Math.max(...times.tsc))})`);
  if (reported.length > 0) {
    console.log(`  jitar dev's own figures: build median ${ms(median(reported.map((match) => Number(match[1]))))}, load median ${ms(median(reported.map((match) => Number(match[3]))))}, rounds ${[...new Set(reported.map((match) => match[2]))].join('/')}`);
  }
  console.log(`\n  ratio ${ratio.toFixed(2)}x (target at most ${TARGET}x): ${ratio <= TARGET ? 'PASS' : 'MISS'}`);
});
