import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Manifest } from '../manifest.js';
import type { ValueChecks } from './value-checks.js';
import type { ArgumentCheck, ValidatorTable } from './validator-table.js';

/**
 * The argument validators jitar-compile writes next to the manifest: Ajv's standalone code for every
 * distinct argument schema of the app, so that a start compiles none (a 1,000-procedure app took seconds).
 *
 * The module's shape, which the writer (transformer/validators-writer.ts) and this reader share:
 * - `format`: VALIDATORS_FORMAT of the jitar-compile that wrote it; the code calls the value checks of
 *   that version, so a runtime of another format does not use it;
 * - `hash`: the manifest's `validators` of the same build, so that a module left by another build is not used;
 * - `procedures`: each procedure's validators, as an index, by procedureKey (procedures that take the
 *   same arguments share them);
 * - `create(require, jitarChecks)`: the validators, `{ strict, coercing }`, each an object of `v<index>`
 *   functions. Ajv's code takes its helpers (`ajv/dist/runtime/...`) by `require`, which this runtime
 *   hands it from its own installation, and our keywords' checks as `jitarChecks`.
 */
export const VALIDATORS_PATH = '.jitar/validators.js';

/** Raised when the generated code or the value checks it calls change shape. */
export const VALIDATORS_FORMAT = 1;

export function validatorExport(index: number): string
{
    return `v${index}`;
}

interface ValidatorsModule
{
    format?: unknown;
    hash?: unknown;
    procedures?: Record<string, number>;
    create?: (require: NodeJS.Require, checks: ValueChecks) => { strict: Record<string, ArgumentCheck>; coercing: Record<string, ArgumentCheck> };
}

/** The prebuilt validators, or why they cannot be used (then the caller compiles them now). */
export async function loadPrebuiltValidators(target: string, manifest: Manifest, checks: ValueChecks): Promise<ValidatorTable | { problem: string }>
{
    const file = join(target, VALIDATORS_PATH);
    if (manifest.validators === undefined) return { problem: 'the manifest names no prebuilt validators (built by an older jitar-compile?)' };
    if (!existsSync(file)) return { problem: `'${file}' is missing` };
    let module: ValidatorsModule;
    try
    {
        // The manifest's hash in the URL: a rebuild in the same process (jitar dev) is imported anew, not taken from the module cache.
        module = await import(`${pathToFileURL(file).href}?build=${encodeURIComponent(String(manifest.validators))}`) as ValidatorsModule;
    }
    catch (error)
    {
        return { problem: `'${file}' cannot be loaded: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (module.format !== VALIDATORS_FORMAT) return { problem: `'${file}' has format ${String(module.format)}, this runtime reads format ${VALIDATORS_FORMAT} (written by another version of jitar-compile)` };
    if (module.hash !== manifest.validators) return { problem: `'${file}' belongs to another build than the manifest (its hash differs)` };
    if (typeof module.create !== 'function' || typeof module.procedures !== 'object' || module.procedures === null) return { problem: `'${file}' is not a validators module of jitar-compile` };

    const made = module.create(createRequire(import.meta.url), checks);
    const procedures = module.procedures;
    const count = Math.max(-1, ...Object.values(procedures)) + 1;
    const pick = (from: Record<string, ArgumentCheck>): ArgumentCheck[] => Array.from({ length: count }, (_, index) => from[validatorExport(index)]);
    const table = { procedures, strict: pick(made.strict), coercing: pick(made.coercing) };
    if ([...table.strict, ...table.coercing].some(check => typeof check !== 'function')) return { problem: `'${file}' lacks validators it lists` };
    return table;
}
