// Load runs with autocannon, and the figures the benchmarks report.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import autocannon from 'autocannon';

import { assertRunning, fail } from './processes.mjs';

/**
 * Latencies with 10 µs buckets up to 1 s (autocannon's own histogram keeps whole milliseconds, which
 * says "0 ms" for most answers on loopback).
 */
export function createLatencyRecorder() {
  const BUCKET_US = 10;
  const buckets = new Uint32Array(100_000);
  let count = 0;
  return {
    record(ms) {
      buckets[Math.min(Math.floor((ms * 1000) / BUCKET_US), buckets.length - 1)]++;
      count++;
    },
    /** The upper bound of the bucket holding the p-th percentile, in ms. */
    percentile(p) {
      const rank = Math.ceil((p / 100) * count);
      let seen = 0;
      for (let i = 0; i < buckets.length; i++) {
        seen += buckets[i];
        if (seen >= rank && seen > 0) return ((i + 1) * BUCKET_US) / 1000;
      }
      return NaN;
    },
  };
}

/**
 * One autocannon run against target `t` ({label, server, method, url, headers, body}); fails unless
 * every response was a 2xx with the `expected` body.
 */
export async function load(t, seconds, what, { connections, pipelining, expected }) {
  const latencies = createLatencyRecorder();
  const instance = autocannon({
    url: t.url,
    method: t.method,
    headers: t.headers,
    body: t.body,
    connections,
    pipelining,
    duration: seconds,
    expectBody: expected,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.record(responseTime);
  });
  const result = await instance;
  for (const server of [t.server].flat()) assertRunning(server);
  const problems = [];
  if (result.errors !== 0) problems.push(`${result.errors} errors (${result.timeouts} timeouts)`);
  if (result.non2xx !== 0) problems.push(`${result.non2xx} non-2xx responses`);
  if (result.mismatches !== 0) problems.push(`${result.mismatches} responses with a body other than '${expected}'`);
  if (result['2xx'] === 0) problems.push('no 2xx response at all');
  if (problems.length > 0) fail(`${t.label} (${what}): ${problems.join(', ')}; status codes: ${JSON.stringify(result.statusCodeStats)}`);
  return { rps: result.requests.average, p50: latencies.percentile(50), p99: latencies.percentile(99), total: result.requests.total };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const versionOf = (repo, name) => JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')).version;

export const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

/** Prints rows under headers, the first column left-aligned and the others right-aligned. */
export function printTable(headers, rows) {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/**
 * A benchmark's `--name=N` arguments over `defaults` (every key a number); an unknown argument or fewer
 * than one round stops the script with its usage.
 */
export function numberArgs(argv, defaults, script) {
  const options = { ...defaults };
  for (const arg of argv) {
    const match = /^--([a-z]+)=(\d+)$/.exec(arg);
    if (!match || !(match[1] in defaults)) {
      console.error(`Unknown argument '${arg}'. Usage: node ${script} ${Object.keys(defaults).map((k) => `[--${k}=N]`).join(' ')}`);
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
