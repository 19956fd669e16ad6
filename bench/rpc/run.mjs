// RPC benchmark: jitar's standalone service serving `sayHello(name: string): Promise<string>` against a
// plain Fastify route doing the same work with JSON-schema validation (bench/rpc/plain-fastify.mjs),
// side by side in one run, on 127.0.0.1, loaded by autocannon from this process.
//
//   node bench/rpc/run.mjs [--rounds=2] [--duration=10] [--warmup=2] [--connections=50] [--pipelining=1]
//                          [--log-level=warn] [--cpu-prof]
//
// Run `npm run build` first, so that lib/ is current. See bench/rpc/README.md.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { fmt, load, median, table, versionOf } from '../lib/measure.mjs';
import { assertRunning, fail, freePort, runBenchmark, startServer } from '../lib/processes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const appDir = join(here, 'generated', 'app');
const profileDir = join(here, 'generated', 'profile');
const jitarPath = join(repo, 'lib', 'cli', 'jitar.js');
const jitarCompilePath = join(repo, 'lib', 'cli', 'jitar-compile.js');
const plainPath = join(here, 'plain-fastify.mjs');
const sdkPath = join(here, 'otel-sdk.mjs');

const TARGET_RATIO = 0.85;
const NAME = 'John';
const EXPECTED = `Hello, ${NAME}!`;

// --- arguments -------------------------------------------------------------------------------

function parseArgs(argv) {
  const numbers = { rounds: 2, duration: 10, warmup: 2, connections: 50, pipelining: 1 };
  const options = { ...numbers, logLevel: 'warn', cpuProf: false };
  const usage = `Usage: node bench/rpc/run.mjs ${Object.keys(numbers).map((k) => `[--${k}=N]`).join(' ')} [--log-level=warn] [--cpu-prof]`;
  for (const arg of argv) {
    let match;
    if ((match = /^--([a-z]+)=(\d+)$/.exec(arg)) && match[1] in numbers) options[match[1]] = Number(match[2]);
    else if ((match = /^--log-level=(debug|info|warn|error|fatal)$/.exec(arg))) options.logLevel = match[1];
    else if (arg === '--cpu-prof') options.cpuProf = true;
    else {
      console.error(`Unknown argument '${arg}'. ${usage}`);
      process.exit(2);
    }
  }
  for (const key of ['rounds', 'duration', 'connections', 'pipelining']) {
    if (options[key] < 1) {
      console.error(`--${key} must be at least 1`);
      process.exit(2);
    }
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));

// --- the app ---------------------------------------------------------------------------------

const json = (value) => `${JSON.stringify(value, null, 4)}\n`;

/** Writes and builds bench/rpc/generated/app: one public procedure in segment 'main', one standalone service. */
function generateApp(port, tracedPort) {
  rmSync(appDir, { recursive: true, force: true });
  for (const dir of ['src/domain', 'segments', 'services', 'node_modules']) mkdirSync(join(appDir, dir), { recursive: true });
  writeFileSync(join(appDir, 'jitar.json'), json({ source: './src', target: './dist', segments: './segments' }));
  writeFileSync(join(appDir, 'tsconfig.json'), json({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, skipLibCheck: true, types: ['node'] },
    include: ['src'],
  }));
  writeFileSync(join(appDir, 'src/domain/sayHello.ts'), [
    'export async function sayHello(name: string): Promise<string>',
    '{',
    '    return `Hello, ${name}!`;',
    '}',
    '',
  ].join('\n'));
  writeFileSync(join(appDir, 'segments/main.json'), json({ './domain/sayHello': { sayHello: { access: 'public' } } }));
  writeFileSync(join(appDir, 'services/standalone.json'), json({ url: `http://127.0.0.1:${port}`, standalone: { segments: ['main'] } }));
  writeFileSync(join(appDir, 'services/standalone-traced.json'), json({ url: `http://127.0.0.1:${tracedPort}`, standalone: { segments: ['main'] } }));
  // The app depends on this package the way a user's app does.
  symlinkSync(repo, join(appDir, 'node_modules/jitar'), 'dir');
  symlinkSync(join(repo, 'node_modules/@types'), join(appDir, 'node_modules/@types'), 'dir');

  const built = spawnSync(process.execPath, [jitarCompilePath], { cwd: appDir, encoding: 'utf8' });
  if (built.error || built.status !== 0) {
    fail(`jitar-compile failed (${built.error ? built.error.message : `exit code ${built.status}`}) in ${appDir}:\n${built.stdout}${built.stderr}`);
  }
}

// --- the servers -----------------------------------------------------------------------------

const NODE_FLAGS = ['--max-semi-space-size=64'];

// --- the requests ----------------------------------------------------------------------------

/** One kind of request to one server. */
function target(server, label, method, path) {
  const isPost = method === 'POST';
  return {
    label,
    server,
    method,
    url: `${server.url}${path}${isPost ? '' : `?name=${NAME}`}`,
    headers: isPost ? { 'content-type': 'application/json' } : {},
    body: isPost ? JSON.stringify({ name: NAME }) : undefined,
    // The request that must be refused, so that we know validation is on.
    invalid: isPost
      ? { url: `${server.url}${path}`, body: JSON.stringify({ name: { first: NAME } }) }
      : { url: `${server.url}${path}?name=${NAME}&name=Jane` },
    results: [],
  };
}

/** A sample request and response, checked: right body with 200, and a 400 for an invalid argument. */
async function checkSample(t) {
  assertRunning(t.server);
  const response = await fetch(t.url, { method: t.method, headers: t.headers, body: t.body });
  const body = await response.text();
  if (response.status !== 200 || body !== EXPECTED) {
    fail(`${t.label}: ${t.method} ${t.url} answered ${response.status} '${body}', expected 200 '${EXPECTED}'`);
  }
  const invalid = await fetch(t.invalid.url, { method: t.method, headers: t.headers, body: t.invalid.body });
  const invalidBody = await invalid.text();
  if (invalid.status !== 400) {
    fail(`${t.label}: validation seems off: ${t.method} ${t.invalid.url} ${t.invalid.body ?? ''} answered ${invalid.status} '${invalidBody}', expected 400`);
  }
  return { status: response.status, body, invalidStatus: invalid.status, invalidBody };
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc (Linux); undefined elsewhere.
 * Per request it shows what a server spends even when other processes crowd the machine, which requests
 * per second do not.
 */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** One autocannon run, then a checked sample; with the server's CPU µs per request where /proc tells. */
async function run(t, seconds, what) {
  const before = cpuMs(t.server.process.pid);
  const result = await load(t, seconds, what, { connections: options.connections, pipelining: options.pipelining, expected: EXPECTED });
  const after = cpuMs(t.server.process.pid);
  await checkSample(t);
  return { ...result, cpuUs: before === undefined || after === undefined ? NaN : ((after - before) * 1000) / result.total };
}

// --- reporting -------------------------------------------------------------------------------

// --- main ------------------------------------------------------------------------------------

async function main() {
  if (!existsSync(jitarPath) || !existsSync(jitarCompilePath)) fail('lib/cli/jitar.js or lib/cli/jitar-compile.js is missing: run `npm run build` first');

  const jitarPort = await freePort();
  const tracedPort = await freePort();
  process.stdout.write('Generating and building bench/rpc/generated/app ... ');
  generateApp(jitarPort, tracedPort);
  console.log('done');

  const jitarArgs = [
    ...(options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    // The node flag the README recommends for production (both servers get it): with V8's default young
    // generation the scavenger runs so often that jitar's CPU time per request switches between about
    // 12 and 15 us.
    ...NODE_FLAGS, jitarPath, 'start', '--service=services/standalone.json', `--log-level=${options.logLevel}`,
  ];
  if (options.cpuProf) rmSync(profileDir, { recursive: true, force: true });
  const ours = await startServer('jitar', jitarArgs, appDir, jitarPort);
  const plain = await startServer('plain fastify', [...NODE_FLAGS, plainPath], here, await freePort());
  // The same app and service with the official OpenTelemetry SDK registered, sampling every call.
  const traced = await startServer('jitar + OTel SDK', [...NODE_FLAGS, `--import=${pathToFileURL(sdkPath).href}`, jitarPath, 'start', '--service=services/standalone-traced.json', `--log-level=${options.logLevel}`], appDir, tracedPort);

  const targets = {
    oursGet: target(ours, 'jitar GET', 'GET', '/rpc/domain/sayHello'),
    plainGet: target(plain, 'fastify GET', 'GET', '/sayHello'),
    oursPost: target(ours, 'jitar POST', 'POST', '/rpc/domain/sayHello'),
    plainPost: target(plain, 'fastify POST', 'POST', '/sayHello'),
    tracedGet: target(traced, 'jitar+SDK GET', 'GET', '/rpc/domain/sayHello'),
    tracedPost: target(traced, 'jitar+SDK POST', 'POST', '/rpc/domain/sayHello'),
  };
  const all = Object.values(targets);

  console.log('\nSample responses:');
  for (const t of all) {
    const sample = await checkSample(t);
    console.log(`  ${t.label.padEnd(12)} ${t.method.padEnd(4)} ${t.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, '')}${t.body ? ` ${t.body}` : ''} -> ${sample.status} '${sample.body}'; invalid -> ${sample.invalidStatus} '${sample.invalidBody}'`);
  }

  const seconds = 6 * (options.rounds * options.duration + options.warmup);
  console.log(`\n${options.rounds} round(s) of 6 measurements, ${options.duration} s each, after a ${options.warmup} s warm-up per target; `
    + `${options.connections} connections, pipelining ${options.pipelining} (about ${seconds} s)`);

  if (options.warmup > 0) {
    for (const t of all) {
      process.stdout.write(`  warm-up ${t.label} ... `);
      const warm = await run(t, options.warmup, 'warm-up');
      console.log(`${fmt(warm.rps)} req/s`);
    }
  }

  for (let round = 1; round <= options.rounds; round++) {
    // Odd rounds: jitar first in each pair; even rounds: plain Fastify first.
    const order = round % 2 === 1
      ? [targets.oursGet, targets.plainGet, targets.tracedGet, targets.oursPost, targets.plainPost, targets.tracedPost]
      : [targets.tracedGet, targets.plainGet, targets.oursGet, targets.tracedPost, targets.plainPost, targets.oursPost];
    for (const t of order) {
      process.stdout.write(`  round ${round}: ${t.label.padEnd(14)} ... `);
      const result = await run(t, options.duration, `round ${round}`);
      t.results.push(result);
      console.log(`${fmt(result.rps)} req/s, ${fmt(result.cpuUs, 1)} CPU µs/req, p50 ${fmt(result.p50, 2)} ms, p99 ${fmt(result.p99, 2)} ms (${fmt(result.total)} requests, all 2xx with the right body)`);
    }
  }

  const summary = (t) => ({
    rps: median(t.results.map((r) => r.rps)),
    p50: median(t.results.map((r) => r.p50)),
    p99: median(t.results.map((r) => r.p99)),
    cpuUs: median(t.results.map((r) => r.cpuUs)),
  });
  const s = Object.fromEntries(Object.entries(targets).map(([key, t]) => [key, summary(t)]));

  console.log('\nResults (median over rounds):\n');
  console.log(table([
    ['', 'req/s', 'CPU µs/req', 'p50 ms', 'p99 ms', 'endpoint'],
    ...Object.entries(targets).map(([key, t]) => [t.label, fmt(s[key].rps), fmt(s[key].cpuUs, 1), fmt(s[key].p50, 2), fmt(s[key].p99, 2), `${t.method} ${t.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, '')}${t.body ? ` ${t.body}` : ''}`]),
  ]));

  const ratios = [
    ['GET', s.oursGet.rps / s.plainGet.rps],
    ['POST', s.oursPost.rps / s.plainPost.rps],
  ];
  console.log(`\nTarget: at least ${TARGET_RATIO}x Fastify's requests per second, with validation on\n`);
  console.log(table([
    ['', 'jitar / fastify', 'verdict'],
    ...ratios.map(([method, ratio]) => [method, `${ratio.toFixed(2)}x`, ratio >= TARGET_RATIO ? 'PASS' : 'MISS']),
  ]));

  console.log('\nThe cost of tracing: jitar with the OpenTelemetry SDK registered (every call sampled, spans batched to an exporter that drops them) / jitar without one\n');
  console.log(table([
    ['', 'req/s with SDK / without', 'CPU µs/req with SDK / without'],
    ['GET', `${(s.tracedGet.rps / s.oursGet.rps).toFixed(2)}x (${fmt(s.tracedGet.rps)} / ${fmt(s.oursGet.rps)})`, `${(s.tracedGet.cpuUs / s.oursGet.cpuUs).toFixed(2)}x (${fmt(s.tracedGet.cpuUs, 1)} / ${fmt(s.oursGet.cpuUs, 1)})`],
    ['POST', `${(s.tracedPost.rps / s.oursPost.rps).toFixed(2)}x (${fmt(s.tracedPost.rps)} / ${fmt(s.oursPost.rps)})`, `${(s.tracedPost.cpuUs / s.oursPost.cpuUs).toFixed(2)}x (${fmt(s.tracedPost.cpuUs, 1)} / ${fmt(s.oursPost.cpuUs, 1)})`],
  ]));

  console.log(`\nnode ${process.version}, fastify ${versionOf(repo, 'fastify')}, autocannon ${versionOf(repo, 'autocannon')}, both servers with node ${NODE_FLAGS.join(" ")}, jitar --log-level=${options.logLevel}${options.cpuProf ? ' --cpu-prof' : ''}`);
  console.log(`Both servers and the load generator share the same machine (${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}), on 127.0.0.1.`);

  if (options.cpuProf) console.log(`CPU profile of the jitar process: ${profileDir}`);
}

await runBenchmark(main);
