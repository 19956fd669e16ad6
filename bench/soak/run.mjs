// Soak benchmark: a gateway with a trust key and two workers on 127.0.0.1 take good and hostile traffic
// side by side for a while (60 s by default), then the run reports what each kind of traffic was
// answered, and the resident memory of each process at the start, halfway, at its peak and at the end.
//
//   node bench/soak/run.mjs [--duration=60] [--connections=4]
//
// Good traffic (autocannon, `--connections` each): GET with a query string, POST JSON, POST of a 10 kB
// array, POST in serialized form. Hostile traffic, each kind bounded in rate or in sockets at once:
// malformed JSON, JSON nested 5,000 deep, 2 MB bodies, made-up procedure names, the worker API without
// the trust key (register, report, list), bodies and headers that stall, channels whose frames stall.
// Every kind stops by itself at the end of the run; run `npm run build` first, so that lib/ is current.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import autocannon from 'autocannon';

import { fmt, table, versionOf } from '../lib/measure.mjs';
import { assertRunning, fail, freePort, runBenchmark, startServer } from '../lib/processes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const appDir = join(here, 'generated', 'app');
const jitarPath = join(repo, 'lib', 'cli', 'jitar.js');
const jitarCompilePath = join(repo, 'lib', 'cli', 'jitar-compile.js');

const TRUST_KEY = 'soak-key';
/** The gateway cuts stalled headers, bodies and frames after this long (its `connections` settings). */
const CUT_AFTER = 5000;
/** A raw socket the server has not answered or closed by then counts as 'held' (a failure). */
const CLIENT_PATIENCE = CUT_AFTER * 3;

function parseArgs(argv) {
  const options = { duration: 60, connections: 4 };
  for (const arg of argv) {
    const match = /^--([a-z]+)=(\d+)$/.exec(arg);
    if (match === null || !(match[1] in options)) {
      console.error(`Unknown argument '${arg}'. Usage: node bench/soak/run.mjs [--duration=N] [--connections=N]`);
      process.exit(2);
    }
    options[match[1]] = Number(match[2]);
  }
  if (options.duration < 10 || options.connections < 1) {
    console.error('--duration must be at least 10 (s) and --connections at least 1');
    process.exit(2);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));

const json = (value) => `${JSON.stringify(value, null, 4)}\n`;

/** Writes and builds generated/app: one segment 'main' with three procedures, served by both workers. */
function generateApp() {
  rmSync(appDir, { recursive: true, force: true });
  for (const dir of ['src/soak', 'segments', 'services', 'node_modules']) mkdirSync(join(appDir, dir), { recursive: true });
  writeFileSync(join(appDir, 'jitar.json'), json({ source: './src', target: './dist', segments: './segments' }));
  writeFileSync(join(appDir, 'tsconfig.json'), json({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, skipLibCheck: true, types: [] },
    include: ['src'],
  }));
  writeFileSync(join(appDir, 'src/soak/sayHello.ts'), 'export async function sayHello(name: string): Promise<string>\n{\n    return `Hello, ${name}!`;\n}\n');
  writeFileSync(join(appDir, 'src/soak/add.ts'), 'export async function add(first: number, second: number): Promise<number>\n{\n    return first + second;\n}\n');
  writeFileSync(join(appDir, 'src/soak/count.ts'), 'export async function count(words: string[], since: Date): Promise<number>\n{\n    return words.length + (since.getTime() > 0 ? 0 : 1);\n}\n');
  writeFileSync(join(appDir, 'segments/main.json'), json({
    './soak/sayHello': { sayHello: { access: 'public' } },
    './soak/add': { add: { access: 'public' } },
    './soak/count': { count: { access: 'public' } },
  }));
  const url = 'http://127.0.0.1:${PORT}';
  writeFileSync(join(appDir, 'services/gateway.json'), json({
    url,
    connections: { headersTimeout: CUT_AFTER, bodyTimeout: CUT_AFTER, channelFrameTimeout: CUT_AFTER },
    gateway: { trustKey: '${TRUST_KEY}', monitorInterval: 1000 },
  }));
  writeFileSync(join(appDir, 'services/worker.json'), json({ url, worker: { gateway: '${GATEWAY}', segments: ['main'], trustKey: '${TRUST_KEY}', reportInterval: 1000 } }));
  symlinkSync(repo, join(appDir, 'node_modules/jitar'), 'dir');

  const built = spawnSync(process.execPath, [jitarCompilePath], { cwd: appDir, encoding: 'utf8' });
  if (built.error || built.status !== 0) {
    fail(`jitar-compile failed (${built.error ? built.error.message : `exit code ${built.status}`}) in ${appDir}:\n${built.stdout}${built.stderr}`);
  }
}

async function startJitar(label, service, env = {}) {
  return startServer(label, [jitarPath, 'start', `--service=services/${service}`, '--log-level=error'], appDir, await freePort(), { TRUST_KEY, ...env });
}

async function waitForWorkers(gateway, count) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const workers = await (await fetch(`${gateway.url}/workers`, { headers: { 'x-jitar-trust-key': TRUST_KEY } })).json();
    if (workers.filter((worker) => worker.state === 'available').length === count) return;
    if (Date.now() > deadline) fail(`${gateway.label} lists ${JSON.stringify(workers)}, not ${count} available workers`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Resident memory of a child process in MB (Linux). */
function rssOf(server) {
  const status = readFileSync(`/proc/${server.process.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

// ---------------------------------------------------------------------------------------------------
// Traffic kinds. Each gives { kind, good, sent, outcomes: { status or outcome: count } }.

const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);
const POST_JSON = { 'content-type': 'application/json' };

/** One autocannon run for the whole duration; its outcomes are the status codes, and 'socket error' for connection errors. */
async function cannon(kind, good, seconds, settings) {
  const result = await autocannon({ duration: seconds, ...settings });
  const outcomes = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) outcomes[status] = count;
  if (result.errors > 0) outcomes['socket error'] = result.errors;
  if (result.mismatches > 0) outcomes['wrong body'] = result.mismatches;
  return { kind, good, sent: result.requests.sent, outcomes };
}

function goodTraffic(gateway, seconds) {
  const connections = options.connections;
  return [
    cannon('GET query string (sayHello)', true, seconds, { url: `${gateway.url}/rpc/soak/sayHello?name=John`, connections, expectBody: 'Hello, John!' }),
    cannon('POST JSON (add)', true, seconds, { url: `${gateway.url}/rpc/soak/add`, method: 'POST', headers: POST_JSON, body: '{"first":1,"second":2}', connections, expectBody: '3' }),
    cannon('POST 10 kB array (count)', true, seconds, {
      url: `${gateway.url}/rpc/soak/count`, method: 'POST', headers: POST_JSON, connections, expectBody: '1000',
      body: JSON.stringify({ words: Array.from({ length: 1000 }, (_, index) => `word${index}`), since: '2024-01-01T00:00:00.000Z' }),
    }),
    cannon('POST serialized (count)', true, seconds, {
      url: `${gateway.url}/rpc/soak/count`, method: 'POST', headers: { ...POST_JSON, 'x-jitar-data-encoding': 'serialized' }, connections,
      body: JSON.stringify({ words: ['a', 'b'], since: { serialized: true, name: 'Date', value: '2024-01-01T00:00:00.000Z' } }),
    }),
  ];
}

function hostileTraffic(gateway, seconds) {
  const randomName = () => `/rpc/made/up${Math.random().toString(36).slice(2)}`;
  return [
    cannon('malformed JSON', false, seconds, { url: `${gateway.url}/rpc/soak/add`, method: 'POST', headers: POST_JSON, body: '{"first":1,"second":', connections: 2, overallRate: 200 }),
    cannon('JSON nested 5,000 deep', false, seconds, { url: `${gateway.url}/rpc/soak/count`, method: 'POST', headers: POST_JSON, body: `{"words":${nested(5000)}}`, connections: 2, overallRate: 100 }),
    cannon('2 MB body', false, seconds, { url: `${gateway.url}/rpc/soak/count`, method: 'POST', headers: POST_JSON, body: `{"words":["${'x'.repeat(2 * 1024 * 1024)}"]}`, connections: 2, overallRate: 10 }),
    cannon('made-up procedure names', false, seconds, {
      url: gateway.url, connections: 2, overallRate: 200,
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: randomName() }) }],
    }),
    cannon('worker API without the key', false, seconds, {
      url: gateway.url, connections: 2, overallRate: 100,
      requests: [
        { method: 'POST', path: '/workers', headers: POST_JSON, body: JSON.stringify({ url: 'http://127.0.0.1:9', procedureNames: ['soak/add'] }) },
        { method: 'POST', path: '/workers/made-up/report', headers: POST_JSON, body: '{"state":"available"}' },
        { method: 'GET', path: '/workers' },
      ],
    }),
    rawLoop('stalled body (half of 1 MB)', gateway, seconds, 10, (socket) => {
      socket.write(`POST /rpc/soak/count HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n`);
      socket.write(Buffer.alloc(500_000, 0x20));
    }),
    rawLoop('stalled headers', gateway, seconds, 10, (socket) => {
      socket.write('GET /rpc/soak/sayHello?name=John HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    }),
    rawLoop('channel with a stalled frame', gateway, seconds, 4, (socket) => {
      socket.write('GET /jitar/channel HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: jitar-rpc/1\r\n\r\n');
      socket.write(partialFrame(1_000_000, 200_000));
    }),
  ];
}

/** The first bytes of a request frame that says it is `length` bytes long, and `sent` of them. */
function partialFrame(length, sent) {
  const frame = Buffer.alloc(sent);
  frame.writeUInt32BE(length, 0);
  frame[4] = 1;
  frame.writeUInt32BE(7, 5);
  frame.writeUInt32BE(2, 9);
  frame.write('[]', 13);
  return frame;
}

/**
 * `concurrency` raw sockets at a time, each opened, fed by `attack` and then left silent until the server
 * answers and closes it; a socket the server holds past CLIENT_PATIENCE is counted 'held' and destroyed.
 * Outcomes: the status lines the server sent, joined ('101 then cut' for a channel), else 'closed'.
 */
async function rawLoop(kind, server, seconds, concurrency, attack) {
  const deadline = Date.now() + seconds * 1000;
  const outcomes = {};
  let sent = 0;
  const port = Number(new URL(server.url).port);
  const once = () => new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    const received = [];
    let outcome;
    const finish = (fallback) => {
      if (outcome !== undefined) return;
      const text = Buffer.concat(received).toString('latin1');
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => match[1]);
      outcome = fallback ?? (statuses.length === 0 ? 'closed' : statuses.join(', ') + (statuses.at(-1) === '101' ? ' then cut' : ''));
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      clearTimeout(patience);
      socket.destroy();
      done();
    };
    const patience = setTimeout(() => finish('held'), CLIENT_PATIENCE);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => finish());
    socket.once('connect', () => { sent++; attack(socket); });
  });
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) await once();
  }));
  return { kind, good: false, sent, outcomes };
}

// ---------------------------------------------------------------------------------------------------

async function checkServing(gateway, servers) {
  for (const server of servers) assertRunning(server);
  const response = await fetch(`${gateway.url}/rpc/soak/sayHello?name=John`);
  const body = await response.text();
  if (response.status !== 200 || body !== 'Hello, John!') fail(`after the soak, the gateway answered ${response.status} '${body}'`);
}

async function main() {
  if (!existsSync(jitarPath) || !existsSync(jitarCompilePath)) fail('lib/cli/jitar.js or lib/cli/jitar-compile.js is missing: run `npm run build` first');
  process.stdout.write('Generating and building bench/soak/generated/app ... ');
  generateApp();
  console.log('done');

  const gateway = await startJitar('gateway', 'gateway.json');
  const workers = [
    await startJitar('worker 1', 'worker.json', { GATEWAY: gateway.url }),
    await startJitar('worker 2', 'worker.json', { GATEWAY: gateway.url }),
  ];
  const servers = [gateway, ...workers];
  await waitForWorkers(gateway, 2);
  await checkServing(gateway, servers);

  const memory = new Map(servers.map((server) => [server, { start: rssOf(server), middle: 0, peak: rssOf(server), end: 0 }]));
  // Halfway: with the end, it tells memory that settled from memory that keeps growing.
  const halfway = setTimeout(() => {
    for (const server of servers) memory.get(server).middle = rssOf(server);
  }, (options.duration * 1000) / 2);
  const sampler = setInterval(() => {
    for (const server of servers) {
      if (server.process.exitCode === null) memory.get(server).peak = Math.max(memory.get(server).peak, rssOf(server));
    }
  }, 1000);

  console.log(`\n${options.duration} s of good traffic (${options.connections} connections per kind) and hostile traffic side by side ...`);
  const started = Date.now();
  const results = await Promise.all([...goodTraffic(gateway, options.duration), ...hostileTraffic(gateway, options.duration)]);
  const elapsed = (Date.now() - started) / 1000;
  clearInterval(sampler);
  clearTimeout(halfway);
  await checkServing(gateway, servers);
  for (const server of servers) memory.get(server).end = rssOf(server);

  const describe = (outcomes) => Object.entries(outcomes).sort(([, a], [, b]) => b - a).map(([outcome, count]) => `${outcome}: ${fmt(count)}`).join(', ');
  console.log(`\nTraffic (${fmt(elapsed, 1)} s, until the last stalled socket was answered):\n`);
  console.log(table([
    ['kind', 'sent', 'answers (status: count)'],
    ...results.map((result) => [`${result.good ? 'good' : 'hostile'}: ${result.kind}`, fmt(result.sent), describe(result.outcomes)]),
  ]));

  const good = results.filter((result) => result.good);
  const served = good.reduce((sum, result) => sum + Object.entries(result.outcomes).filter(([status]) => /^2\d\d$/.test(status)).reduce((total, [, count]) => total + count, 0), 0);
  const goodSent = good.reduce((sum, result) => sum + result.sent, 0);
  const goodFailures = good.flatMap((result) => Object.entries(result.outcomes).filter(([status]) => !/^2\d\d$/.test(status)).map(([status, count]) => `${result.kind} ${status}: ${count}`));
  const held = results.reduce((sum, result) => sum + (result.outcomes.held ?? 0), 0);
  const hostileServed = results.filter((result) => !result.good).flatMap((result) => Object.entries(result.outcomes).filter(([status]) => /^2\d\d$/.test(status)).map(([status, count]) => `${result.kind} ${status}: ${count}`));

  console.log(`\nGood requests served: ${fmt(served)} of ${fmt(goodSent)} (${fmt(served / options.duration)} req/s)${goodFailures.length === 0 ? '' : `; not served: ${goodFailures.join(', ')}`}`);
  console.log(`Hostile requests answered 2xx: ${hostileServed.length === 0 ? 'none' : hostileServed.join(', ')}; sockets the gateway held past ${CLIENT_PATIENCE / 1000} s: ${held}`);

  console.log('\nResident memory (MB):\n');
  console.log(table([
    ['process', 'start', 'halfway', 'peak', 'end'],
    ...servers.map((server) => { const m = memory.get(server); return [server.label, fmt(m.start, 1), fmt(m.middle, 1), fmt(m.peak, 1), fmt(m.end, 1)]; }),
  ]));
  console.log(`\nnode ${process.version}, fastify ${versionOf(repo, 'fastify')}, undici ${versionOf(repo, 'undici')}, autocannon ${versionOf(repo, 'autocannon')}`);
  console.log(`All processes and the load share one machine (${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}), on 127.0.0.1.`);

  const problems = [];
  if (goodFailures.length > 0) problems.push(`good requests not served: ${goodFailures.join(', ')}`);
  if (hostileServed.length > 0) problems.push(`hostile requests answered 2xx: ${hostileServed.join(', ')}`);
  if (held > 0) problems.push(`${held} sockets held past ${CLIENT_PATIENCE / 1000} s`);
  if (problems.length > 0) fail(problems.join('; '));
  console.log('\nPASS: every good request served, no hostile one, no socket held, every process alive');
}

await runBenchmark(main);
