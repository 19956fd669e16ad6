// Preloaded into a service (node --import) by bench/startup/run.mjs: when the process exits, it writes the
// packages it loaded from node_modules (CommonJS ones, from require's cache: Fastify, Ajv, @fastify/static,
// pino, undici are) into the file LOADED_PACKAGES_FILE names, one a line.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const file = process.env.LOADED_PACKAGES_FILE;
const cache = createRequire(import.meta.url).cache;

process.on('exit', () => {
  if (file === undefined) return;
  const packages = new Set();
  for (const path of Object.keys(cache)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path.replaceAll('\\', '/').split('node_modules/').slice(0, -1).length ? path.slice(path.lastIndexOf('node_modules/')) : '');
    if (match) packages.add(match[1]);
  }
  writeFileSync(file, [...packages].sort().join('\n') + '\n');
});
