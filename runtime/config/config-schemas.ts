import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import leven, { closestMatch } from 'leven';

import { packageJson } from '../version.js';

/**
 * The JSON Schemas of jitar's configuration files, as shipped in the package's `schemas/` folder (the
 * same files editors read through `$schema`), compiled once each. The schemas say what is allowed; the
 * readers turn Ajv's errors into one-line messages of their own with the helpers below.
 */
export type ConfigSchemaName = 'service' | 'segment' | 'jitar';

export const CONFIG_SCHEMA_NAMES: readonly ConfigSchemaName[] = ['service', 'segment', 'jitar'];

/**
 * Ajv's options for these schemas, the same at build and at start. `allErrors` lets a reader pick the
 * error to report first (an unknown key before a wrong value inside it); `verbose` keeps each error's
 * schema, which the messages are built from.
 */
export const CONFIG_AJV_OPTIONS = { allErrors: true, verbose: true } as const;

/**
 * Ajv's standalone code of the three validators, written into lib/ by `npm run build`
 * (scripts/build-config-validators.mjs), so that neither a start nor jitar-compile loads Ajv to compile
 * them (bench/startup: compiling them cost more than Fastify's own start). It exports each validator by
 * its schema's name and `hashes`, the configSchemaHash of each schema file it was made from.
 */
export const PRECOMPILED_CONFIG_VALIDATORS = 'config-validators.cjs';

type PrecompiledModule = Partial<Record<ConfigSchemaName, ValidateFunction>> & { hashes?: Partial<Record<ConfigSchemaName, string>> };

const local = createRequire(import.meta.url);
let precompiled: PrecompiledModule | null | undefined;

export function configSchemaHash(text: string): string
{
    return createHash('sha256').update(text).digest('hex');
}

/**
 * The prebuilt validator of a schema, if the module is there (it is not when the sources run uncompiled,
 * as under the tests) and was made from the schema file as it is now (one edited since is compiled anew).
 */
function precompiledValidator(name: ConfigSchemaName, schemaText: string): ValidateFunction | undefined
{
    if (precompiled === undefined)
    {
        try { precompiled = local(`./${PRECOMPILED_CONFIG_VALIDATORS}`) as PrecompiledModule; }
        catch { precompiled = null; }
    }
    const validate = precompiled?.[name];
    return validate !== undefined && precompiled?.hashes?.[name] === configSchemaHash(schemaText) ? validate : undefined;
}

function compileValidator(schema: ConfigSchema): ValidateFunction
{
    // Loaded only here: with the prebuilt module, no start needs Ajv for its configuration.
    const { Ajv2020 } = local('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    return new Ajv2020(CONFIG_AJV_OPTIONS).compile(schema);
}

const compiled = new Map<ConfigSchemaName, { schema: ConfigSchema; validate: ValidateFunction }>();

/** The parts of a schema the messages look at. */
export interface ConfigSchema
{
    readonly properties?: Record<string, unknown>;
    readonly $defs?: Record<string, unknown>;
}

export function configSchemaPath(name: ConfigSchemaName): string
{
    return join(packageJson().root, 'schemas', `${name}.schema.json`);
}

/** One schema and its validator: the prebuilt one, else compiled now. */
export function configSchema(name: ConfigSchemaName): { schema: ConfigSchema; validate: ValidateFunction }
{
    let entry = compiled.get(name);
    if (entry === undefined)
    {
        const text = readFileSync(configSchemaPath(name), 'utf8');
        const schema = JSON.parse(text) as ConfigSchema;
        entry = { schema, validate: precompiledValidator(name, text) ?? compileValidator(schema) };
        compiled.set(name, entry);
    }
    return entry;
}

/**
 * The name under `$defs` of the schema an error's keyword sits in directly, if it is one. Ajv's
 * `parentSchema` is that very object when compiled here, and an equal copy in the prebuilt code.
 */
export function definitionOf(schema: ConfigSchema, error: ErrorObject): string | undefined
{
    const definitions = Object.entries(schema.$defs ?? {});
    return (definitions.find(([, definition]) => definition === error.parentSchema)
        ?? definitions.find(([, definition]) => isDeepStrictEqual(definition, error.parentSchema)))?.[0];
}

/** `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`. */
export function quoteList(items: readonly string[]): string
{
    const quoted = items.map(item => `'${item}'`);
    return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

export type SchemaError = ErrorObject;

/** A JSON pointer (`/worker/segments/1`) as messages write a key path (`worker.segments[1]`). */
export function keyPath(pointer: string): string
{
    let path = '';
    for (const part of pointer.split('/').slice(1))
    {
        const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
        path = /^\d+$/.test(key) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    }
    return path;
}

/**
 * The keys an object schema names, in its order, for "known keys are ...": aliases (marked `deprecated`)
 * and `$schema` (for editors only) are accepted but not offered.
 */
export function knownKeys(objectSchema: unknown): string[]
{
    const properties = (objectSchema as { properties?: Record<string, { deprecated?: boolean }> }).properties ?? {};
    return Object.entries(properties).filter(([key, schema]) => key !== '$schema' && schema.deprecated !== true).map(([key]) => key);
}

/** The known key an unknown one is probably a typo of: close enough to be one (about a third of its letters differ at most). */
export function nearestKey(unknown: string, known: readonly string[]): string | undefined
{
    const near = closestMatch(unknown, known);
    if (near === undefined) return undefined;
    return leven(unknown.toLowerCase(), near.toLowerCase()) <= Math.max(1, Math.floor(unknown.length / 3)) ? near : undefined;
}


/** A value as messages show it: strings and numbers as written, containers by their kind. */
export function describeValue(value: unknown): string
{
    if (value === undefined) return 'nothing';
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'object') return 'an object';
    return JSON.stringify(value);
}
