// Server processes for the benchmarks: started as children, waited for on /health, stopped by PID,
// and never left running, whatever happens to the benchmark.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const children = [];

export class BenchFailure extends Error {}

export function fail(message) {
  throw new BenchFailure(message);
}

/** Sends SIGTERM to each child still running, by its PID; SIGKILL after 5 s. */
export async function stopAll() {
  await Promise.all(children.map(async (child) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return;
    const exited = new Promise((done) => child.process.once('exit', done));
    try {
      process.kill(child.process.pid, 'SIGTERM');
    } catch {
      return; // exited meanwhile
    }
    const timer = setTimeout(() => {
      if (child.process.exitCode === null && child.process.signalCode === null) process.kill(child.process.pid, 'SIGKILL');
    }, 5000);
    await exited;
    clearTimeout(timer);
  }));
}

// Last resort (an exception we did not catch, process.exit elsewhere): no server outlives the run.
process.on('exit', () => {
  for (const child of children) {
    if (child.process.exitCode === null && child.process.signalCode === null) {
      try { process.kill(child.process.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the servers`);
    stopAll().finally(() => process.exit(130));
  });
}

export function freePort() {
  return new Promise((done, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** Starts a server as a child process and waits until GET /health answers 200. */
export async function startServer(label, args, cwd, port, env = {}) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { label, process: child, output: '' };
  children.push(entry);
  const collect = (chunk) => { entry.output = (entry.output + chunk.toString()).slice(-64 * 1024); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) fail(`${label} exited (${child.exitCode ?? child.signalCode}) before answering (its output follows)`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) fail(`${label} did not answer on ${url}/health within 20 s (its output follows)`);
    await new Promise((done) => setTimeout(done, 50));
  }
  entry.url = url;
  return entry;
}

export function assertRunning(server) {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) fail(`${server.label} exited (${child.exitCode ?? child.signalCode}) during the run (its output follows)`);
}

/** Runs `main`; on failure prints why and the output of every server, and exits 1. Stops the servers either way. */
export async function runBenchmark(main) {
  try {
    await main();
  } catch (error) {
    console.error(`\n✗ ${error instanceof BenchFailure ? error.message : error?.stack ?? error}`);
    for (const child of children) {
      if (child.output.trim() !== '') console.error(`--- output of ${child.label} (pid ${child.process.pid}) ---\n${child.output}`);
    }
    await stopAll();
    process.exit(1);
  }
  await stopAll();
}
