// Cluster benchmark: the same `sayHello(name)` served seven ways, side by side in one run on 127.0.0.1,
// loaded by autocannon from this process:
//
//   plain Fastify route  ·  jitar standalone  ·  client → gateway → 1 worker  ·  client → bare Node proxy → the
//   same worker  ·  client → gateway → 2 workers  ·  client → gateway → worker of segment 'chain' → worker
//   of segment 'hello' (a worker-to-worker call)  ·  client → proxy → gateway → 1 worker  ·  and the same
//   three gateway rows with NATS between gateway and workers (nats-targets.mjs)
//
//   node bench/cluster/run.mjs [--rounds=2] [--duration=8] [--warmup=2] [--connections=50]
//
// Run `npm run build` first, so that lib/ is current. Every server runs all the time; the targets are
// measured one after the other, in a rotating order per round.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { fmt, load, median, table, versionOf } from '../lib/measure.mjs';
import { assertRunning, fail, freePort, runBenchmark, startServer } from '../lib/processes.mjs';
import { startTransportRows, transportDecision } from './http2-rows.mjs';
import { natsTargets, reportNats } from './nats-targets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const appDir = join(here, 'generated', 'app');
const jitarPath = join(repo, 'lib', 'cli', 'jitar.js');
const jitarCompilePath = join(repo, 'lib', 'cli', 'jitar-compile.js');
const plainPath = join(repo, 'bench', 'rpc', 'plain-fastify.mjs');

const TARGET_RATIO = 0.45;
const EXPECTED = 'Hello, John!';
const NODE_FLAGS = ['--max-semi-space-size=64'];

function parseArgs(argv) {
  const options = { rounds: 2, duration: 8, warmup: 2, connections: 50 };
  for (const arg of argv) {
    const match = /^--([a-z]+)=(\d+)$/.exec(arg);
    if (match === null || !(match[1] in options)) {
      console.error(`Unknown argument '${arg}'. Usage: node bench/cluster/run.mjs [--rounds=N] [--duration=N] [--warmup=N] [--connections=N]`);
      process.exit(2);
    }
    options[match[1]] = Number(match[2]);
  }
  if (options.rounds < 1 || options.duration < 1 || options.connections < 1) {
    console.error('--rounds, --duration and --connections must be at least 1');
    process.exit(2);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));

const json = (value) => `${JSON.stringify(value, null, 4)}\n`;

/** Writes and builds generated/app: segment 'hello' (sayHello) and segment 'chain' (greet, which calls sayHello). */
function generateApp() {
  rmSync(appDir, { recursive: true, force: true });
  for (const dir of ['src/domain', 'src/chain', 'segments', 'services', 'node_modules']) mkdirSync(join(appDir, dir), { recursive: true });
  writeFileSync(join(appDir, 'jitar.json'), json({ source: './src', target: './dist', segments: './segments' }));
  writeFileSync(join(appDir, 'tsconfig.json'), json({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, skipLibCheck: true, types: [] },
    include: ['src'],
  }));
  writeFileSync(join(appDir, 'src/domain/sayHello.ts'), 'export async function sayHello(name: string): Promise<string>\n{\n    return `Hello, ${name}!`;\n}\n');
  writeFileSync(join(appDir, 'src/chain/greet.ts'), [
    "import { sayHello } from '../domain/sayHello';",
    '',
    'export async function greet(name: string): Promise<string>',
    '{',
    '    return sayHello(name);',
    '}',
    '',
  ].join('\n'));
  writeFileSync(join(appDir, 'segments/hello.json'), json({ './domain/sayHello': { sayHello: { access: 'public' } } }));
  writeFileSync(join(appDir, 'segments/chain.json'), json({ './chain/greet': { greet: { access: 'public' } } }));
  const url = 'http://127.0.0.1:${PORT}';
  writeFileSync(join(appDir, 'services/standalone.json'), json({ url, standalone: { segments: ['hello', 'chain'] } }));
  writeFileSync(join(appDir, 'services/gateway.json'), json({ url, gateway: {} }));
  writeFileSync(join(appDir, 'services/worker-hello.json'), json({ url, worker: { gateway: '${GATEWAY}', segments: ['hello'], reportInterval: 1000 } }));
  writeFileSync(join(appDir, 'services/proxy.json'), json({ url, proxy: { gateway: '${GATEWAY}' } }));
  writeFileSync(join(appDir, 'services/worker-chain.json'), json({ url, worker: { gateway: '${GATEWAY}', segments: ['chain'], reportInterval: 1000 } }));
  symlinkSync(repo, join(appDir, 'node_modules/jitar'), 'dir');

  const built = spawnSync(process.execPath, [jitarCompilePath], { cwd: appDir, encoding: 'utf8' });
  if (built.error || built.status !== 0) {
    fail(`jitar-compile failed (${built.error ? built.error.message : `exit code ${built.status}`}) in ${appDir}:\n${built.stdout}${built.stderr}`);
  }
}

async function startJitar(label, service, env = {}) {
  return startServer(label, [...NODE_FLAGS, jitarPath, 'start', `--service=services/${service}`, '--log-level=warn'], appDir, await freePort(), env);
}

/** Waits until `gateway` lists `count` available workers. */
async function waitForWorkers(gateway, count) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const workers = await (await fetch(`${gateway.url}/workers`)).json();
    if (workers.filter((worker) => worker.state === 'available').length === count) return;
    if (Date.now() > deadline) fail(`${gateway.label} lists ${JSON.stringify(workers)}, not ${count} available workers`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function checkSample(t) {
  for (const server of t.server) assertRunning(server);
  const response = await fetch(t.url);
  const body = await response.text();
  if (response.status !== 200 || body !== EXPECTED) fail(`${t.label}: GET ${t.url} answered ${response.status} '${body}', expected 200 '${EXPECTED}'`);
}

async function main() {
  if (!existsSync(jitarPath) || !existsSync(jitarCompilePath)) fail('lib/cli/jitar.js or lib/cli/jitar-compile.js is missing: run `npm run build` first');
  process.stdout.write('Generating and building bench/cluster/generated/app ... ');
  generateApp();
  console.log('done');

  const plain = await startServer('plain fastify', [...NODE_FLAGS, plainPath], here, await freePort());
  const standalone = await startJitar('standalone', 'standalone.json');
  const gatewayOne = await startJitar('gateway (1 worker)', 'gateway.json');
  const workerOne = await startJitar('worker hello A', 'worker-hello.json', { GATEWAY: gatewayOne.url });
  const gatewayTwo = await startJitar('gateway (2 workers)', 'gateway.json');
  const workersTwo = [
    await startJitar('worker hello B', 'worker-hello.json', { GATEWAY: gatewayTwo.url }),
    await startJitar('worker hello C', 'worker-hello.json', { GATEWAY: gatewayTwo.url }),
    await startJitar('worker chain', 'worker-chain.json', { GATEWAY: gatewayTwo.url }),
  ];
  await waitForWorkers(gatewayOne, 1);
  await waitForWorkers(gatewayTwo, 3);
  const bareProxy = await startServer('bare node proxy', [...NODE_FLAGS, join(here, 'plain-proxy.mjs')], here, await freePort(), { TARGET: workerOne.url });
  const proxy = await startJitar('proxy', 'proxy.json', { GATEWAY: gatewayOne.url });

  const target = (label, servers, url) => ({ label, server: servers, method: 'GET', url, headers: {}, results: [] });
  const targets = [
    target('plain fastify', [plain], `${plain.url}/sayHello?name=John`),
    target('standalone', [standalone], `${standalone.url}/rpc/domain/sayHello?name=John`),
    target('gateway + 1 worker', [gatewayOne, workerOne], `${gatewayOne.url}/rpc/domain/sayHello?name=John`),
    target('bare node proxy + 1 worker', [bareProxy, workerOne], `${bareProxy.url}/rpc/domain/sayHello?name=John`),
    target('gateway + 2 workers', [gatewayTwo, ...workersTwo.slice(0, 2)], `${gatewayTwo.url}/rpc/domain/sayHello?name=John`),
    target('gateway + worker → worker', [gatewayTwo, ...workersTwo], `${gatewayTwo.url}/rpc/chain/greet?name=John`),
    target('proxy → gateway + 1 worker', [proxy, gatewayOne, workerOne], `${proxy.url}/rpc/domain/sayHello?name=John`),
  ];
  targets.push(...await startTransportRows({ startServer, freePort, here, nodeFlags: NODE_FLAGS, target }));
  targets.push(...await natsTargets(appDir, startJitar, target));
  for (const t of targets) await checkSample(t);

  const run = async (t, seconds, what) => {
    const result = await load(t, seconds, what, { connections: options.connections, pipelining: 1, expected: EXPECTED });
    await checkSample(t);
    return result;
  };

  console.log(`\n${options.rounds} round(s) of ${targets.length} measurements, ${options.duration} s each, after a ${options.warmup} s warm-up per target; ${options.connections} connections`);
  if (options.warmup > 0) {
    for (const t of targets) await run(t, options.warmup, 'warm-up');
  }
  for (let round = 1; round <= options.rounds; round++) {
    // Each round starts one target later, so that no target always runs right after the same one.
    const order = targets.map((_, index) => targets[(index + round - 1) % targets.length]);
    for (const t of order) {
      process.stdout.write(`  round ${round}: ${t.label.padEnd(26)} ... `);
      const result = await run(t, options.duration, `round ${round}`);
      t.results.push(result);
      console.log(`${fmt(result.rps)} req/s, p50 ${fmt(result.p50, 2)} ms, p99 ${fmt(result.p99, 2)} ms`);
    }
  }

  const summary = targets.map((t) => ({
    label: t.label,
    rps: median(t.results.map((r) => r.rps)),
    p50: median(t.results.map((r) => r.p50)),
    p99: median(t.results.map((r) => r.p99)),
  }));
  const standaloneRps = summary[1].rps;
  console.log('\nResults (median over rounds):\n');
  console.log(table([
    ['', 'req/s', 'p50 ms', 'p99 ms', '× standalone', '× fastify'],
    ...summary.map((s) => [s.label, fmt(s.rps), fmt(s.p50, 2), fmt(s.p99, 2), `${(s.rps / standaloneRps).toFixed(2)}x`, `${(s.rps / summary[0].rps).toFixed(2)}x`]),
  ]));
  const ratio = summary[2].rps / standaloneRps;
  console.log(`\nThe bare proxy (bench/cluster/plain-proxy.mjs: Node's HTTP server and an undici pool, nothing else) is the best a gateway can do that forwards over HTTP/1.1; jitar's gateway, forwarding over a channel, reaches ${(summary[2].rps / summary[3].rps).toFixed(2)}x of it.`);
  const decision = transportDecision(summary);
  if (decision !== undefined) console.log(`\n${decision.text}`);
  console.log(`\nTarget: gateway + 1 worker at least ${TARGET_RATIO}x the standalone's requests per second: ${ratio.toFixed(2)}x ${ratio >= TARGET_RATIO ? 'PASS' : 'MISS'}`);
  reportNats(summary, standaloneRps);
  console.log(`\nnode ${process.version}, fastify ${versionOf(repo, 'fastify')}, undici ${versionOf(repo, 'undici')}, autocannon ${versionOf(repo, 'autocannon')}, every server with node ${NODE_FLAGS.join(' ')}`);
  console.log(`All servers and the load generator share one machine (${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}), on 127.0.0.1.`);
}

await runBenchmark(main);
