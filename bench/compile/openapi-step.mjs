// The OpenAPI step of jitar-compile on its own, as the build runs it: once, in a fresh process, from the
// manifest the build wrote. Prints the step's wall time in ms (building the document and writing it).
//
//   node bench/compile/openapi-step.mjs <app root> <target folder>

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const [root, target] = process.argv.slice(2);
const { appInfo, writeOpenApi } = await import('../../lib/transformer/index.js');
const manifest = JSON.parse(readFileSync(join(target, '.jitar', 'manifest.json'), 'utf8'));

const start = performance.now();
writeOpenApi(manifest, appInfo(root), target);
console.log(performance.now() - start);
