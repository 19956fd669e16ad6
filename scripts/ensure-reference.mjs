#!/usr/bin/env node
/**
 * Part of `npm test`: the interop tests (test/e2e/reference-interop.test.ts) run the reference Jitar
 * runtime as published (`jitar@0.10.6`). It lives in a package of its own, test/reference/, so that npm
 * links its CLI as test/reference/node_modules/.bin/jitar and never over this package's `jitar`. This
 * installs it from its lock file when it is not there yet.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const harness = fileURLToPath(new URL('../test/reference/', import.meta.url));
if (!existsSync(new URL('../test/reference/node_modules/jitar-reference/package.json', import.meta.url)))
{
    const installed = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: harness, stdio: 'inherit' });
    if (installed.status !== 0)
    {
        console.error('\nCould not install the reference Jitar runtime in test/reference/ (npm ci); the interop tests need it.\n');
        process.exit(1);
    }
}
