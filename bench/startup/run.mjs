// Start-up benchmark: the time from spawning a service to its first RPC answer, and its resident memory
// (RSS) at that moment, for
//   - a one-procedure app (`sayHello(name: string)`) and
//   - the 1,000-procedure app of bench/compile (generate-app.mjs, same seed),
// each served by jitar's standalone service and by a plain Fastify server with the same routes and
// argument schemas (plain-fastify.mjs, from a routes file written here from the app's manifest), and the
// small app by the reference runtime (jitar@0.10.6, test/reference/) too, in the same rounds, alternating
// the order. It then times the build of the small app: jitar-compile against the reference's
// `tsc` + `jitar build`. Last, it lists the packages each kind of service loads (loaded-packages.mjs).
//
//   node bench/startup/run.mjs [--rounds=5] [--build-rounds=5] [--large=1] [--cpu-prof] [--jitar=<folder>]
//
// Run `npm run build` first (or `npm run bench:startup`). See bench/startup/README.md.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { generateApp as generateLargeApp } from '../compile/generate-app.mjs';
import { fmt, median, printTable } from '../lib/measure.mjs';
import { children, fail, freePort, stopAll } from '../lib/processes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
// --jitar=<folder>: measure another build of jitar (a checkout with lib/ built, such as the one before a change).
const jitarOption = process.argv.find((arg) => arg.startsWith('--jitar='));
const measured = jitarOption === undefined ? repo : resolve(jitarOption.slice('--jitar='.length));
const generated = join(here, 'generated');
const jitarPath = join(measured, 'lib', 'cli', 'jitar.js');
const jitarCompilePath = join(measured, 'lib', 'cli', 'jitar-compile.js');
const tscPath = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const plainPath = join(here, 'plain-fastify.mjs');
const loadedPackagesPath = join(here, 'loaded-packages.mjs');
const referencePackage = join(repo, 'test', 'reference', 'node_modules', 'jitar-reference');
const referenceCli = join(referencePackage, 'dist', 'cli.js');

const TARGET_RATIO = 1.2;

// --- arguments -------------------------------------------------------------------------------

function parseArgs(argv) {
  const numbers = { rounds: 5, 'build-rounds': 5, large: 1 };
  const options = { ...numbers, cpuProf: false };
  for (const arg of argv) {
    let match;
    if (arg.startsWith('--jitar=')) continue;
    if ((match = /^--([a-z-]+)=(\d+)$/.exec(arg)) && match[1] in numbers) options[match[1]] = Number(match[2]);
    else if (arg === '--cpu-prof') options.cpuProf = true;
    else {
      console.error(`Unknown argument '${arg}'. Usage: node bench/startup/run.mjs ${Object.keys(numbers).map((k) => `[--${k}=N]`).join(' ')} [--cpu-prof] [--jitar=<folder>]`);
      process.exit(2);
    }
  }
  if (options.rounds < 1) {
    console.error('--rounds must be at least 1');
    process.exit(2);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));

// --- the apps --------------------------------------------------------------------------------

const json = (value) => `${JSON.stringify(value, null, 4)}\n`;

/** The app depends on this package the way a user's app does. */
function linkPackages(appDir) {
  mkdirSync(join(appDir, 'node_modules'), { recursive: true });
  symlinkSync(measured, join(appDir, 'node_modules/jitar'), 'dir');
  symlinkSync(join(repo, 'node_modules/@types'), join(appDir, 'node_modules/@types'), 'dir');
}

function build(appDir) {
  const built = spawnSync(process.execPath, [jitarCompilePath], { cwd: appDir, encoding: 'utf8' });
  if (built.error || built.status !== 0) fail(`jitar-compile failed in ${appDir}:\n${built.stdout}${built.stderr}`);
}

const SMALL_TS = ['export async function sayHello(name: string): Promise<string>', '{', '    return `Hello, ${name}!`;', '}', ''].join('\n');
const SMALL_JS = ['export async function sayHello(name)', '{', '    return `Hello, ${name}!`;', '}', ''].join('\n');

/** The one-procedure app, for jitar (TypeScript) and for the reference (its tsc output, built by its `jitar build`). */
function generateSmallApp() {
  const appDir = join(generated, 'small');
  rmSync(appDir, { recursive: true, force: true });
  for (const dir of ['src/domain', 'segments', 'services']) mkdirSync(join(appDir, dir), { recursive: true });
  writeFileSync(join(appDir, 'jitar.json'), json({ source: './src', target: './dist', segments: './segments' }));
  writeFileSync(join(appDir, 'tsconfig.json'), json({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, skipLibCheck: true, types: [], rootDir: './src', outDir: './dist' },
    include: ['src'],
  }));
  writeFileSync(join(appDir, 'package.json'), json({ name: 'startup-small', private: true, type: 'module' }));
  writeFileSync(join(appDir, 'src/domain/sayHello.ts'), SMALL_TS);
  writeFileSync(join(appDir, 'segments/main.json'), json({ './domain/sayHello': { sayHello: { access: 'public' } } }));
  writeFileSync(join(appDir, 'services/standalone.json'), json({ url: 'http://127.0.0.1:${PORT}', standalone: { segments: ['main'] } }));
  writeFileSync(join(appDir, 'services/gateway.json'), json({ url: 'http://127.0.0.1:${PORT}', gateway: {} }));
  writeFileSync(join(appDir, 'services/worker.json'), json({ url: 'http://127.0.0.1:${PORT}', worker: { gateway: '${GATEWAY}', segments: ['main'] } }));
  linkPackages(appDir);
  build(appDir);
  return appDir;
}

/**
 * The same app for the reference runtime: its own project (it builds from JavaScript: tsc's output folder
 * is its source), with `jitar` resolving to the reference package, as its own app would have it installed.
 */
function generateReferenceApp() {
  const appDir = join(generated, 'reference');
  rmSync(appDir, { recursive: true, force: true });
  for (const dir of ['src/domain', 'segments', 'services', 'node_modules']) mkdirSync(join(appDir, dir), { recursive: true });
  writeFileSync(join(appDir, 'jitar.json'), json({ source: './js', target: './build', segments: './segments' }));
  writeFileSync(join(appDir, 'tsconfig.json'), json({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, skipLibCheck: true, types: [], rootDir: './src', outDir: './js' },
    include: ['src'],
  }));
  writeFileSync(join(appDir, 'package.json'), json({ name: 'startup-reference', private: true, type: 'module' }));
  writeFileSync(join(appDir, 'src/domain/sayHello.ts'), SMALL_TS);
  writeFileSync(join(appDir, 'segments/main.json'), json({ './domain/sayHello': { sayHello: { access: 'public' } } }));
  writeFileSync(join(appDir, 'services/standalone.json'), json({ url: 'http://127.0.0.1:${PORT}', standalone: { segments: ['main'] } }));
  symlinkSync(referencePackage, join(appDir, 'node_modules/jitar'), 'dir');
  symlinkSync(join(repo, 'node_modules/@types'), join(appDir, 'node_modules/@types'), 'dir');
  referenceBuild(appDir);
  if (!existsSync(join(appDir, 'js/domain/sayHello.js'))) writeFileSync(join(appDir, 'js/domain/sayHello.js'), SMALL_JS);
  return appDir;
}

function referenceBuild(appDir) {
  for (const [what, args] of [['tsc', [tscPath, '-p', join(appDir, 'tsconfig.json')]], ['the reference\'s jitar build', [referenceCli, 'build']]]) {
    const result = spawnSync(process.execPath, args, { cwd: appDir, encoding: 'utf8' });
    if (result.error || result.status !== 0) fail(`${what} failed in ${appDir}:\n${result.stdout}${result.stderr}`);
  }
}

function generateLarge() {
  const appDir = join(generated, 'large');
  const counts = generateLargeApp(appDir, { modules: 300, procedures: 1000, seed: 1 });
  mkdirSync(join(appDir, 'services'), { recursive: true });
  const segments = readdirSync(join(appDir, 'segments')).map((file) => file.replace(/\.json$/, ''));
  writeFileSync(join(appDir, 'services/standalone.json'), json({ url: 'http://127.0.0.1:${PORT}', standalone: { segments } }));
  linkPackages(appDir);
  build(appDir);
  return { appDir, counts };
}

const readFileSyncJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/**
 * The routes file of the plain Fastify server: one route per procedure, with the argument schema jitar's
 * validators check (lib/runtime/validation/argument-schemas.js makes both).
 */
async function writeRoutes(appDir) {
  const { argumentSchemas } = await import(join(repo, 'lib/runtime/validation/argument-schemas.js'));
  const manifest = readFileSyncJson(join(appDir, 'dist/.jitar/manifest.json'));
  // One route per name: jitar serves every version of a procedure at one path.
  const latest = new Map(manifest.procedures.map((procedure) => [procedure.fqn, procedure]));
  const schemas = argumentSchemas(manifest, [...latest.values()]);
  const routes = [...latest.values()].map((procedure) => ({ url: `/rpc/${procedure.fqn}`, schema: schemas.schemas[schemas.procedures[`${procedure.fqn}@${procedure.version}`]] }));
  const file = join(appDir, 'plain-routes.json');
  writeFileSync(file, JSON.stringify({ definitions: schemas.definitions, routes }));
  return file;
}

// --- measuring -------------------------------------------------------------------------------

const rssOf = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

/**
 * Spawns a server and calls it until it answers 200 with the expected body: the time since the spawn and
 * the server's RSS then. The server is stopped (SIGTERM, by PID) before this returns.
 */
async function measureStart(subject, nodeArgs = []) {
  const port = await freePort();
  const start = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, ...subject.args], { cwd: subject.cwd, env: { ...process.env, PORT: String(port), ...subject.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { label: subject.label, process: child, output: '' };
  children.push(entry);
  const collect = (chunk) => { entry.output = (entry.output + chunk.toString()).slice(-16 * 1024); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const deadline = Date.now() + 120_000;
  let last = '';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) fail(`${subject.label} exited (${child.exitCode ?? child.signalCode}) before answering:\n${entry.output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}${subject.path}`, subject.request);
      const body = await response.text();
      if (response.status === 200 && (subject.expected === undefined || body === subject.expected)) break;
      last = `${response.status} ${body.slice(0, 200)}`;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) fail(`${subject.label} did not answer as expected within 120 s (last answer: ${last || 'none'}):\n${entry.output}`);
    await new Promise((done) => setTimeout(done, 2));
  }
  const time = performance.now() - start;
  const rss = rssOf(child.pid);
  await stopAll();
  children.splice(children.indexOf(entry), 1);
  return { time, rss };
}

const post = (body, headers = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const jitarStart = (label, cwd, path, request, expected) => ({
  label, cwd, path, request, expected,
  args: [jitarPath, 'start', '--service=services/standalone.json', '--log-level=warn', '--log-format=json'],
});

// --- main ------------------------------------------------------------------------------------

const ms = (value) => `${fmt(value)} ms`;
const mb = (bytes) => `${fmt(bytes / 1024 / 1024)} MB`;


async function main() {
  if (!existsSync(jitarPath) || !existsSync(jitarCompilePath)) fail('lib/ is missing: run `npm run build` first');
  const hasReference = existsSync(referenceCli);
  mkdirSync(generated, { recursive: true });

  process.stdout.write('Generating and building the one-procedure app ... ');
  const small = generateSmallApp();
  const smallRoutes = await writeRoutes(small);
  console.log('done');
  let reference;
  if (hasReference) {
    process.stdout.write('... and the same app for the reference runtime (tsc + its jitar build) ... ');
    reference = generateReferenceApp();
    console.log('done');
  } else console.log('! The reference runtime is not installed (node scripts/ensure-reference.mjs): it is left out.');
  let large;
  if (options.large) {
    process.stdout.write('Generating and building the 1,000-procedure app of bench/compile ... ');
    large = generateLarge();
    console.log(`done (${large.counts.procedures} procedures, ${large.counts.modules} modules)`);
  }
  const largeRoutes = large === undefined ? undefined : await writeRoutes(large.appDir);

  const hello = post({ name: 'John' });
  const subjects = [
    { app: 'small', ...jitarStart('jitar standalone', small, '/rpc/domain/sayHello', hello, 'Hello, John!') },
    { app: 'small', label: 'plain fastify', cwd: here, args: [plainPath, smallRoutes], path: '/rpc/domain/sayHello', request: hello, expected: 'ok' },
  ];
  if (reference !== undefined) {
    subjects.push({ app: 'small', label: 'reference standalone', cwd: reference, args: [referenceCli, 'start', '--service=services/standalone.json', '--log-level=warn'], path: '/rpc/domain/sayHello', request: hello, expected: 'Hello, John!' });
  }
  if (large !== undefined) {
    // A procedure without parameters: an answer that needs no arguments made up here.
    const manifest = readFileSyncJson(join(large.appDir, 'dist/.jitar/manifest.json'));
    const probe = manifest.procedures.find((procedure) => procedure.parameters.length === 0 && procedure.access === 'public');
    const request = post({}, { 'x-jitar-procedure-version': probe.version });
    // Any 200 is the procedure's answer: only a procedure's route gives one.
    subjects.push({ app: 'large', ...jitarStart('jitar standalone', large.appDir, `/rpc/${probe.fqn}`, request, undefined) });
    subjects.push({ app: 'large', label: 'plain fastify', cwd: here, args: [plainPath, largeRoutes], path: `/rpc/${probe.fqn}`, request, expected: 'ok' });
  }
  for (const subject of subjects) subject.results = [];

  console.log(`\n${options.rounds} round(s); each: spawn, call until the first 200 answer, read RSS, stop (order alternates)`);
  const nodeArgs = (subject, round) => (options.cpuProf && subject.label.startsWith('jitar') && round === 0 ? ['--cpu-prof', `--cpu-prof-dir=${join(generated, 'profile', subject.app)}`] : []);
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    const parts = [];
    for (const subject of order) {
      const result = await measureStart(subject, nodeArgs(subject, round));
      subject.results.push(result);
      parts.push(`${subject.app} ${subject.label} ${ms(result.time)} ${mb(result.rss)}`);
    }
    console.log(`  round ${round + 1}: ${parts.join(', ')}`);
  }

  const summary = (subject) => ({ time: median(subject.results.map((r) => r.time)), rss: median(subject.results.map((r) => r.rss)) });
  console.log(`\nSpawn to first answer, and RSS then (medians of ${options.rounds}, node ${process.version}):\n`);
  printTable(['app', 'server', 'first answer', 'min', 'max', 'RSS'], subjects.map((subject) => {
    const times = subject.results.map((r) => r.time);
    const { time, rss } = summary(subject);
    return [subject.app, subject.label, ms(time), ms(Math.min(...times)), ms(Math.max(...times)), mb(rss)];
  }));

  const targetRows = [];
  for (const app of ['small', 'large']) {
    const ours = subjects.find((s) => s.app === app && s.label === 'jitar standalone');
    const plain = subjects.find((s) => s.app === app && s.label === 'plain fastify');
    if (!ours || !plain) continue;
    const ratio = summary(ours).time / summary(plain).time;
    targetRows.push([`${app} app: start at most ${TARGET_RATIO}x plain fastify`, `${ratio.toFixed(2)}x`, ratio <= TARGET_RATIO ? 'PASS' : 'MISS']);
    targetRows.push([`${app} app: RSS against plain fastify (reported)`, `${(summary(ours).rss / summary(plain).rss).toFixed(2)}x`, '']);
  }
  const theirs = subjects.find((s) => s.label === 'reference standalone');
  if (theirs) {
    const ours = subjects.find((s) => s.app === 'small' && s.label === 'jitar standalone');
    const ratio = summary(ours).time / summary(theirs).time;
    targetRows.push(['small app: start against the reference (reported)', `${ratio.toFixed(2)}x`, ratio <= 1 ? 'ahead' : 'behind']);
  }
  console.log('');
  printTable(['target', 'ratio (medians)', 'result'], targetRows);

  if (reference !== undefined && options['build-rounds'] > 0) await compareBuilds(small, reference);
  await loadedPackages(small);
}

/** jitar-compile of the small app against the reference's tsc + jitar build of the same app, alternating. */
async function compareBuilds(small, reference) {
  const ours = { label: 'jitar-compile (full build)', times: [], run: () => build(small), wipe: () => rmSync(join(small, 'dist'), { recursive: true, force: true }) };
  const theirs = { label: 'reference: tsc + jitar build', times: [], run: () => referenceBuild(reference), wipe: () => { for (const dir of ['js', 'build']) rmSync(join(reference, dir), { recursive: true, force: true }); } };
  console.log(`\nBuild of the one-procedure app, ${options['build-rounds']} round(s) after a warm-up, output folders wiped before each run (outside the timing):`);
  for (const m of [ours, theirs]) { m.wipe(); m.run(); }
  for (let round = 0; round < options['build-rounds']; round++) {
    const order = round % 2 === 0 ? [ours, theirs] : [theirs, ours];
    for (const m of order) {
      m.wipe();
      const start = performance.now();
      m.run();
      m.times.push(performance.now() - start);
    }
  }
  printTable(['build', 'median', 'min', 'max'], [ours, theirs].map((m) => [m.label, ms(median(m.times)), ms(Math.min(...m.times)), ms(Math.max(...m.times))]));
  const ratio = median(ours.times) / median(theirs.times);
  console.log(`\n  jitar-compile / (tsc + reference jitar build): ${ratio.toFixed(2)}x — ${ratio <= 1 ? 'PASS' : 'MISS'} (target: no slower)`);
}

/**
 * The packages (from node_modules) each kind of service has loaded by the time it stops: a standalone,
 * a gateway, and a worker of the small app that registered with that gateway and answered a call through it.
 */
async function loadedPackages(small) {
  const file = (kind) => join(generated, `loaded-${kind}.txt`);
  const start = async (kind, env = {}) => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', loadedPackagesPath, jitarPath, 'start', `--service=services/${kind}.json`, '--log-level=warn', '--log-format=json'], {
      cwd: small, env: { ...process.env, PORT: String(port), LOADED_PACKAGES_FILE: file(kind), ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const entry = { label: kind, process: child, output: '' };
    children.push(entry);
    child.stdout.on('data', (chunk) => { entry.output += chunk; });
    child.stderr.on('data', (chunk) => { entry.output += chunk; });
    return `http://127.0.0.1:${port}`;
  };
  const until = async (url, what) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const response = await fetch(url, post({ name: 'John' }));
        if (response.status === 200 && await response.text() === 'Hello, John!') return;
      } catch { /* not yet */ }
      if (Date.now() > deadline) fail(`${what} did not answer within 60 s:\n${children.map((c) => `${c.label}: ${c.output}`).join('\n')}`);
      await new Promise((done) => setTimeout(done, 20));
    }
  };
  for (const kind of ['standalone', 'gateway', 'worker']) rmSync(file(kind), { force: true });
  const standalone = await start('standalone');
  await until(`${standalone}/rpc/domain/sayHello`, 'the standalone');
  const gateway = await start('gateway');
  await start('worker', { GATEWAY: gateway });
  await until(`${gateway}/rpc/domain/sayHello`, 'the gateway (with its worker)');
  await stopAll();
  children.length = 0;

  const watched = ['ajv (compiler)', 'fast-json-stringify (compiler)', '@fastify/static', 'undici', 'pino-pretty', 'prom-client', '@nats-io/transport-node', 'picomatch', 'jsonc-parser', 'typescript', 'ts-morph'];
  const lists = Object.fromEntries(['standalone', 'gateway', 'worker'].map((kind) => [kind, existsSync(file(kind)) ? readFileSync(file(kind), 'utf8').trim().split('\n') : undefined]));
  console.log('\nPackages loaded by each kind of service (small app), of those a kind may not need:');
  printTable(['package', 'standalone', 'gateway', 'worker'], watched.map((name) => [name, ...['standalone', 'gateway', 'worker'].map((kind) => (lists[kind] === undefined ? '?' : lists[kind].includes(name) ? 'loaded' : '-'))]));
  console.log(`  (all packages: ${Object.entries(lists).map(([kind, list]) => `${kind} ${list?.length ?? '?'}`).join(', ')}; lists in ${join('bench/startup/generated', 'loaded-<kind>.txt')})`);
}

try {
  await main();
} catch (error) {
  await stopAll();
  console.error(`\n✗ ${error.message}`);
  if (children.length > 0) console.error(children.map((child) => `--- ${child.label} ---\n${child.output}`).join('\n'));
  process.exit(1);
}
