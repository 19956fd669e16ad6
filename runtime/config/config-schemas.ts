import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import leven, { closestMatch } from 'leven';

import { packageJson } from '../version.js';

/**
 * The JSON Schemas of jitar's configuration files, as shipped in the package's `schemas/` folder (the
 * same files editors read through `$schema`), compiled once each. The schemas say what is allowed; the
 * readers turn Ajv's errors into one-line messages of their own with the helpers below.
 */
export type ConfigSchemaName = 'service' | 'segment' | 'jitar';

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

/**
 * One schema and its validator. `allErrors` lets a reader pick the error to report first (an unknown key
 * before a wrong value inside it); `verbose` keeps each error's schema, which the messages are built from.
 */
export function configSchema(name: ConfigSchemaName): { schema: ConfigSchema; validate: ValidateFunction }
{
    let entry = compiled.get(name);
    if (entry === undefined)
    {
        const schema = JSON.parse(readFileSync(configSchemaPath(name), 'utf8')) as ConfigSchema;
        const ajv = new Ajv2020({ allErrors: true, verbose: true });
        entry = { schema, validate: ajv.compile(schema) };
        compiled.set(name, entry);
    }
    return entry;
}

/** The name under `$defs` of the schema an error comes from (Ajv's `parentSchema` is the very object), if it is one. */
export function definitionOf(schema: ConfigSchema, error: ErrorObject): string | undefined
{
    return Object.entries(schema.$defs ?? {}).find(([, definition]) => definition === error.parentSchema)?.[0];
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
