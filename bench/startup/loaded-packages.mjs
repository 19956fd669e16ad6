// Preloaded into a service (node --import) by bench/startup/run.mjs: when the process exits, it writes the
// packages it loaded from node_modules (CommonJS ones, from require's cache: Fastify, Ajv, @fastify/static,
// pino, undici are) into the file LOADED_PACKAGES_FILE names, one a line; 'ajv (compiler)' and
// 'fast-json-stringify (compiler)' when their compilers were loaded, not only their runtime helpers.

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
  // A package's compiler is what costs at start; its runtime helpers (Ajv's standalone code takes
  // ajv/dist/runtime/*, Fastify's error serializer fast-json-stringify/lib/serializer) are small.
  const paths = Object.keys(cache).map((path) => path.replaceAll('\\', '/'));
  if (paths.some((path) => path.endsWith('node_modules/ajv/dist/core.js'))) packages.add('ajv (compiler)');
  if (paths.some((path) => path.endsWith('node_modules/fast-json-stringify/index.js'))) packages.add('fast-json-stringify (compiler)');
  writeFileSync(file, [...packages].sort().join('\n') + '\n');
});
