// The NATS rows of the cluster benchmark (run.mjs): the same sayHello served through NATS, beside the
// HTTP cluster's rows in the same run. A nats-server of the benchmark's own runs on a free port of
// 127.0.0.1; two subject prefixes keep the one-worker and the two-worker clusters apart on it.
//
//   gateway → NATS → 1 worker  ·  gateway → NATS → 2 workers  ·  gateway → NATS → worker of 'chain' → NATS → worker of 'hello'

import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { children, fail, freePort } from '../lib/processes.mjs';

export const NATS_TARGET_RATIO = 0.5;

const json = (value) => `${JSON.stringify(value, null, 4)}\n`;

function natsServerBinary() {
  const chosen = process.env.NATS_SERVER_PATH;
  if (chosen) return chosen;
  try {
    accessSync('/usr/sbin/nats-server', constants.X_OK);
    return '/usr/sbin/nats-server';
  } catch {
    if (spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0) return 'nats-server';
    fail('nats-server is not installed: run node scripts/ensure-nats.mjs (or set NATS_SERVER_PATH)');
  }
}

const accepts = (port) => new Promise((done) => {
  const socket = connect({ host: '127.0.0.1', port });
  socket.once('connect', () => { socket.destroy(); done(true); });
  socket.once('error', () => done(false));
});

/** Starts nats-server as one of the benchmark's children (stopped with them) and waits until it takes connections. */
async function startNatsServer() {
  const port = await freePort();
  const child = spawn(natsServerBinary(), ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { label: 'nats-server', process: child, output: '' };
  children.push(entry);
  const collect = (chunk) => { entry.output = (entry.output + chunk.toString()).slice(-64 * 1024); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const deadline = Date.now() + 20_000;
  while (!await accepts(port)) {
    if (child.exitCode !== null) fail(`nats-server exited (${child.exitCode}) before taking connections`);
    if (Date.now() > deadline) fail(`nats-server did not take connections on port ${port} within 20 s`);
    await new Promise((done) => setTimeout(done, 50));
  }
  entry.url = `nats://127.0.0.1:${port}`;
  return entry;
}

/** The service files of the NATS rows, beside those run.mjs writes. */
function writeServiceFiles(appDir) {
  const url = 'http://127.0.0.1:${PORT}';
  const nats = { servers: '${NATS_URL}', prefix: '${NATS_PREFIX}' };
  writeFileSync(join(appDir, 'services/nats-gateway.json'), json({ url, gateway: { nats } }));
  writeFileSync(join(appDir, 'services/nats-worker-hello.json'), json({ url, worker: { segments: ['hello'], reportInterval: 1000, nats } }));
  writeFileSync(join(appDir, 'services/nats-worker-chain.json'), json({ url, worker: { segments: ['chain'], reportInterval: 1000, nats } }));
}

/** Waits until `gateway` lists `count` workers (from NATS discovery). */
async function waitForWorkers(gateway, count) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const workers = await (await fetch(`${gateway.url}/workers`)).json();
    if (workers.length === count) return;
    if (Date.now() > deadline) fail(`${gateway.label} lists ${JSON.stringify(workers)}, not ${count} workers`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * Starts the NATS server and the NATS clusters, and gives the rows to measure. `startJitar(label,
 * service, env)` and `target(label, servers, url)` are run.mjs's own.
 */
export async function natsTargets(appDir, startJitar, target) {
  writeServiceFiles(appDir);
  const server = await startNatsServer();
  const env = (prefix) => ({ NATS_URL: server.url, NATS_PREFIX: prefix });
  const gatewayOne = await startJitar('NATS gateway (1 worker)', 'nats-gateway.json', env('one'));
  const workerOne = await startJitar('NATS worker hello A', 'nats-worker-hello.json', env('one'));
  const gatewayTwo = await startJitar('NATS gateway (2 workers)', 'nats-gateway.json', env('two'));
  const workersTwo = [
    await startJitar('NATS worker hello B', 'nats-worker-hello.json', env('two')),
    await startJitar('NATS worker hello C', 'nats-worker-hello.json', env('two')),
    await startJitar('NATS worker chain', 'nats-worker-chain.json', env('two')),
  ];
  await waitForWorkers(gatewayOne, 1);
  await waitForWorkers(gatewayTwo, 3);
  return [
    target('NATS: gateway + 1 worker', [server, gatewayOne, workerOne], `${gatewayOne.url}/rpc/domain/sayHello?name=John`),
    target('NATS: gateway + 2 workers', [server, gatewayTwo, ...workersTwo.slice(0, 2)], `${gatewayTwo.url}/rpc/domain/sayHello?name=John`),
    target('NATS: gw + worker → worker', [server, gatewayTwo, ...workersTwo], `${gatewayTwo.url}/rpc/chain/greet?name=John`),
  ];
}

/** The NATS target line of the summary: gateway + 1 worker over NATS against the standalone. */
export function reportNats(summary, standaloneRps) {
  const row = summary.find((s) => s.label === 'NATS: gateway + 1 worker');
  const http = summary.find((s) => s.label === 'gateway + 1 worker');
  const ratio = row.rps / standaloneRps;
  console.log(`Target: gateway + 1 worker over NATS at least ${NATS_TARGET_RATIO}x the standalone's requests per second: ${ratio.toFixed(2)}x ${ratio >= NATS_TARGET_RATIO ? 'PASS' : 'MISS'} (the HTTP cluster's gateway + 1 worker: ${(http.rps / standaloneRps).toFixed(2)}x; nats-server ${natsServerVersion()})`);
}

function natsServerVersion() {
  const run = spawnSync(natsServerBinary(), ['--version'], { encoding: 'utf8' });
  return run.stdout.trim().replace(/^nats-server:\s*/, '') || 'unknown';
}
