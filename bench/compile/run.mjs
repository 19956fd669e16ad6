// Compile benchmark: generates an app of ~300 modules / ~1000 segmented procedures, then times, in
// the same rounds with alternating order:
//   - `jitar-compile --manifest-only` against `tsc --noEmit` (manifest generation vs type-check), and
//   - `jitar-compile` (full build: type-check, manifest, generated modules, JavaScript of all segments)
//     against `tsc -p <app>/tsconfig.json --outDir <app>/dist-tsc` (plain emitting build).
// Both emitting builds start from an empty output folder each run (wiped outside the timing).
//
//   node bench/compile/run.mjs [--rounds=5] [--warmup=1] [--seed=1] [--modules=300] [--procedures=1000]
//
// Run `npm run build` first (or use `npm run bench`), so that lib/cli/jitar-compile.js is current.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { numberArgs, printTable } from '../lib/measure.mjs';
import { generateApp } from './generate-app.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const appDir = join(here, 'generated', 'app');
const tscPath = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const jitarCompilePath = join(repo, 'lib', 'cli', 'jitar-compile.js');
const jitarDist = join(appDir, 'dist'); // jitar.json's target
const tscDist = join(appDir, 'dist-tsc');

// --- measuring -------------------------------------------------------------------------------

// A measurement runs `node <script> ...args` in `cwd`. `measure` runs it once and returns the wall
// time in ms; a non-zero exit stops the benchmark with the command's output. `prepare` (optional)
// runs before each run, outside the timing (used to wipe output folders).
function createMeasurement(label, script, args, cwd, { prepare } = {}) {
  return { label, script, args, cwd, prepare, times: [] };
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

const run = (m) => {
  m.prepare?.();
  return measure(m.label, m.script, m.args, m.cwd);
};

const wipe = (dir) => () => rmSync(dir, { recursive: true, force: true });

// --- output checks ---------------------------------------------------------------------------

// All files under `dir` (hidden folders included), relative to it, with '/' separators.
function listFiles(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

// What the full jitar build left in dist/: the app's JavaScript (outside .jitar/), how much of it
// imports proxies, and the generated modules. Only an emitting build writes the app's JavaScript.
function inspectJitarDist() {
  const js = listFiles(jitarDist).filter((file) => file.endsWith('.js'));
  const app = js.filter((file) => !file.startsWith('.jitar/'));
  return {
    total: js.length,
    app: app.length,
    appImportingProxies: app.filter((file) => readFileSync(join(jitarDist, file), 'utf8').includes('/.jitar/proxies/')).length,
    segments: js.filter((file) => /^\.jitar\/segments\/[^/]+\.js$/.test(file)).length,
    proxies: js.filter((file) => file.startsWith('.jitar/proxies/')).length,
    manifest: existsSync(join(jitarDist, '.jitar', 'manifest.json')),
  };
}

const countTscJs = () => listFiles(tscDist).filter((file) => file.endsWith('.js')).length;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const min = (values) => Math.min(...values);
const max = (values) => Math.max(...values);

// --- output ----------------------------------------------------------------------------------


const ms = (value) => `${Math.round(value)} ms`;

// --- main ------------------------------------------------------------------------------------

const options = numberArgs(process.argv.slice(2), { rounds: 5, warmup: 1, seed: 1, modules: 300, procedures: 1000 }, 'bench/compile/run.mjs');

console.log(`Generating app into ${appDir} (seed ${options.seed}) ...`);
const counts = generateApp(appDir, { modules: options.modules, procedures: options.procedures, seed: options.seed });
console.log(`  modules generated:    ${counts.modules} (${counts.procedureModules} with procedures, ${counts.typeModules} type modules)`);
console.log(`  procedures generated: ${counts.procedures} (${counts.crossModuleImports} imported by other modules)`);
console.log(`  classes registered:   ${counts.classes}`);
console.log(`  domains / segments:   ${counts.domains} / ${counts.segments}`);

const measurements = [];
const notes = [];

const JITAR_MANIFEST = 'jitar-compile --manifest-only';
const TSC_CHECK = 'tsc --noEmit';
const JITAR_BUILD = 'jitar-compile (full build)';
const TSC_BUILD = 'tsc (emit to dist-tsc)';
const hasJitar = existsSync(jitarCompilePath);

if (hasJitar) {
  measurements.push(createMeasurement(JITAR_MANIFEST, jitarCompilePath, ['--config', join(appDir, 'jitar.json'), '--manifest-only'], appDir));
} else {
  notes.push(`lib/cli/jitar-compile.js does not exist (run \`npm run build\`): jitar-compile was not measured.`);
  console.log(`\n! ${notes.at(-1)}`);
}
measurements.push(createMeasurement(TSC_CHECK, tscPath, ['--noEmit', '-p', join(appDir, 'tsconfig.json')], appDir));
if (hasJitar) {
  measurements.push(createMeasurement(JITAR_BUILD, jitarCompilePath, ['--config', join(appDir, 'jitar.json')], appDir, { prepare: wipe(jitarDist) }));
}
measurements.push(createMeasurement(TSC_BUILD, tscPath, ['-p', join(appDir, 'tsconfig.json'), '--outDir', tscDist], appDir, { prepare: wipe(tscDist) }));

// Targets: `numerator` may take at most `factor` times the time of `denominator` (medians).
const targets = [
  { name: 'manifest generation at most 1.5x tsc --noEmit', numerator: JITAR_MANIFEST, denominator: TSC_CHECK, factor: 1.5 },
  { name: 'full build (manifest + emit of all segments) at most 1.5x plain tsc build', numerator: JITAR_BUILD, denominator: TSC_BUILD, factor: 1.5 },
];

// After a run of an emitting build: what it wrote (a build that writes nothing would time a no-op).
function checkOutput(m) {
  if (m.label === JITAR_BUILD) return { label: m.label, ...inspectJitarDist() };
  if (m.label === TSC_BUILD) return { label: m.label, total: countTscJs() };
  return undefined;
}
const outputChecks = new Map();

// Warm-up rounds (not recorded) also check that the generated app type-checks and compiles.
for (let round = 0; round < options.warmup; round++) {
  console.log(`\nWarm-up ${round + 1}/${options.warmup} ...`);
  for (const m of measurements) console.log(`  ${m.label}: ${ms(run(m))}`);
}

// The last timed run of each emitting build is inspected right after it ran (untimed), before the
// other commands of the round can touch its output folder (the manifest-only run writes into dist/ too).

// Alternate the order each round so that neither command always runs on a "warmer" machine.
for (let round = 0; round < options.rounds; round++) {
  const order = round % 2 === 0 ? measurements : [...measurements].reverse();
  const parts = [];
  for (const m of order) {
    const time = run(m);
    m.times.push(time);
    parts.push(`${m.label} ${ms(time)}`);
    if (round === options.rounds - 1) {
      const check = checkOutput(m);
      if (check) outputChecks.set(m.label, check);
    }
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

// The OpenAPI step inside the full build (document built from the manifest, and written), timed alone in
// fresh processes as the build runs it once: it must cost under 5% of the full build.
const openApiStep = join(here, 'openapi-step.mjs');
if (hasJitar && byLabel.get(JITAR_BUILD)?.times.length) {
  const stepTimes = [];
  for (let round = 0; round < options.rounds; round++) {
    const result = spawnSync(process.execPath, [openApiStep, appDir, jitarDist], { encoding: 'utf8' });
    if (result.status !== 0) {
      console.error(`\n✗ the OpenAPI step failed:\n${result.stdout}${result.stderr}`);
      process.exit(1);
    }
    stepTimes.push(Number(result.stdout.trim()));
  }
  const share = median(stepTimes) / median(byLabel.get(JITAR_BUILD).times);
  console.log(`\nOpenAPI step (.jitar/openapi.json from the manifest): median ${ms(median(stepTimes))} (min ${ms(min(stepTimes))}, max ${ms(max(stepTimes))}), ` +
    `${(share * 100).toFixed(2)}% of the full build's median: ${share < 0.05 ? 'PASS' : 'MISS'} (target under 5%)`);
}

// Emit check: the app has counts.modules source modules, so each emitting build must write that many
// app .js files; jitar also one entry per segment.
let emitProblems = 0;
console.log('\nEmit check (after the last timed run of each emitting build):');
const jitarCheck = outputChecks.get(JITAR_BUILD);
if (jitarCheck) {
  const ok = jitarCheck.app === counts.modules && jitarCheck.segments === counts.segments && jitarCheck.manifest;
  if (!ok) emitProblems++;
  console.log(
    `  ${ok ? '✓' : '✗'} ${JITAR_BUILD}: ${jitarCheck.total} .js files in dist/ — ${jitarCheck.app}/${counts.modules} app modules ` +
      `(${jitarCheck.appImportingProxies} importing proxies), ${jitarCheck.segments}/${counts.segments} segment entries in .jitar/segments/, ` +
      `${jitarCheck.proxies} proxies; manifest ${jitarCheck.manifest ? 'written' : 'MISSING'}`,
  );
}
const tscCheck = outputChecks.get(TSC_BUILD);
if (tscCheck) {
  const ok = tscCheck.total === counts.modules;
  if (!ok) emitProblems++;
  console.log(`  ${ok ? '✓' : '✗'} ${TSC_BUILD}: ${tscCheck.total}/${counts.modules} .js files in dist-tsc/`);
}

for (const note of notes) console.log(`\nNote: ${note}`);

if (emitProblems > 0) {
  console.error('\n✗ An emitting build did not write what it should: its timings do not measure a full build.');
  process.exit(1);
}
