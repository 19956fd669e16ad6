#!/usr/bin/env node
/**
 * Part of `npm run build`: tsc writes lib/ without the executable bit, and the package's own commands
 * must run as files (`npx jitar` in this clone runs lib/cli/jitar.js itself, as npm links no bin of the
 * root package). npm sets the bit where it installs the package; a fresh clone has only this.
 */
import { chmodSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const { bin } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
for (const file of Object.values(bin)) chmodSync(fileURLToPath(new URL(`../${file}`, import.meta.url)), 0o755);
