// Compile benchmark: generates an app of ~300 modules / ~1000 segmented procedures, then times
// `jitar-compile --manifest-only` against `tsc --noEmit` on it, alternating, for N rounds.
//
//   node bench/compile/run.mjs [--rounds=5] [--warmup=1] [--seed=1] [--modules=300] [--procedures=1000]
//
// Run `npm run build` first (or use `npm run bench`), so that lib/cli/jitar-compile.js is current.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { generateApp } from './generate-app.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const appDir = join(here, 'generated', 'app');
const tscPath = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const jitarCompilePath = join(repo, 'lib', 'cli', 'jitar-compile.js');

// --- arguments -------------------------------------------------------------------------------

function parseArgs(argv) {
  const defaults = { rounds: 5, warmup: 1, seed: 1, modules: 300, procedures: 1000 };
  const options = { ...defaults };
  for (const arg of argv) {
    const match = /^--([a-z]+)=(\d+)$/.exec(arg);
    if (!match || !(match[1] in defaults)) {
      console.error(`Unknown argument '${arg}'. Usage: node bench/compile/run.mjs ${Object.keys(defaults).map((k) => `[--${k}=N]`).join(' ')}`);
      process.exit(2);
    }
    options[match[1]] = Number(match[2]);
  }
  if (options.rounds < 1) {
    console.error('--rounds must be at least 1');
    process.exit(2);
  }
  return options;
}

// --- measuring -------------------------------------------------------------------------------

// A measurement runs `node <script> ...args` in `cwd`. `measure` runs it once and returns the wall
// time in ms; a non-zero exit stops the benchmark with the command's output.
function createMeasurement(label, script, args, cwd) {
  return { label, script, args, cwd, times: [] };
}

function measure(label, script, args, cwd) {
  const start = performance.now();
  const result = spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const elapsed = performance.now() - start;
  if (result.error || result.status !== 0) {
    console.error(`\n✗ ${label} failed (${result.error ? result.error.message : `exit code ${result.status}${result.signal ? `, signal ${result.signal}` : ''}`})`);
    console.error(`  command: ${process.execPath} ${[script, ...args].join(' ')}`);
    console.error(`  cwd:     ${cwd}`);
    if (result.stdout) console.error(`--- stdout ---\n${result.stdout}`);
    if (result.stderr) console.error(`--- stderr ---\n${result.stderr}`);
    process.exit(1);
  }
  return elapsed;
}

const run = (m) => measure(m.label, m.script, m.args, m.cwd);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const min = (values) => Math.min(...values);
const max = (values) => Math.max(...values);

// --- output ----------------------------------------------------------------------------------

function printTable(headers, rows) {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

const ms = (value) => `${Math.round(value)} ms`;

// --- main ------------------------------------------------------------------------------------

const options = parseArgs(process.argv.slice(2));

console.log(`Generating app into ${appDir} (seed ${options.seed}) ...`);
const counts = generateApp(appDir, { modules: options.modules, procedures: options.procedures, seed: options.seed });
console.log(`  modules generated:    ${counts.modules} (${counts.procedureModules} with procedures, ${counts.typeModules} type modules)`);
console.log(`  procedures generated: ${counts.procedures} (${counts.crossModuleImports} imported by other modules)`);
console.log(`  classes registered:   ${counts.classes}`);
console.log(`  domains / segments:   ${counts.domains} / ${counts.segments}`);

const measurements = [];
const notes = [];

if (existsSync(jitarCompilePath)) {
  measurements.push(
    createMeasurement('jitar-compile --manifest-only', jitarCompilePath, ['--config', join(appDir, 'jitar.json'), '--manifest-only'], appDir),
  );
} else {
  notes.push(`lib/cli/jitar-compile.js does not exist (run \`npm run build\`): jitar-compile was not measured.`);
  console.log(`\n! ${notes.at(-1)}`);
}
measurements.push(createMeasurement('tsc --noEmit', tscPath, ['--noEmit', '-p', join(appDir, 'tsconfig.json')], appDir));
// Later: a full `jitar-compile` build against plain `tsc` emit goes here, plus a target below.

// Targets: `numerator` may take at most `factor` times the time of `denominator` (medians).
const targets = [
  { name: 'manifest generation at most 1.5x tsc --noEmit', numerator: 'jitar-compile --manifest-only', denominator: 'tsc --noEmit', factor: 1.5 },
];

// Warm-up rounds (not recorded) also check that the generated app type-checks and compiles.
for (let round = 0; round < options.warmup; round++) {
  console.log(`\nWarm-up ${round + 1}/${options.warmup} ...`);
  for (const m of measurements) console.log(`  ${m.label}: ${ms(run(m))}`);
}

// Alternate the order each round so that neither command always runs on a "warmer" machine.
for (let round = 0; round < options.rounds; round++) {
  const order = round % 2 === 0 ? measurements : [...measurements].reverse();
  const parts = [];
  for (const m of order) {
    const time = run(m);
    m.times.push(time);
    parts.push(`${m.label} ${ms(time)}`);
  }
  console.log(`Round ${round + 1}/${options.rounds}: ${parts.join(', ')}`);
}

console.log(`\nResults (${options.rounds} rounds, wall time, node ${process.version}):\n`);
printTable(
  ['command', 'median', 'min', 'max'],
  measurements.map((m) => [m.label, ms(median(m.times)), ms(min(m.times)), ms(max(m.times))]),
);

const byLabel = new Map(measurements.map((m) => [m.label, m]));
const targetRows = [];
for (const target of targets) {
  const a = byLabel.get(target.numerator);
  const b = byLabel.get(target.denominator);
  if (!a || !b) {
    targetRows.push([target.name, 'n/a', 'SKIPPED']);
    continue;
  }
  const ratio = median(a.times) / median(b.times);
  targetRows.push([target.name, `${ratio.toFixed(2)}x`, ratio <= target.factor ? 'PASS' : 'MISS']);
}
console.log('');
printTable(['target', 'ratio (median)', 'result'], targetRows);

for (const note of notes) console.log(`\nNote: ${note}`);
