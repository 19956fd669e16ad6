import { configSchema, definitionOf, describeValue, keyPath, knownKeys, nearestKey, type SchemaError } from './config-schemas.js';
import type { JitarFile } from './jitar-folders.js';

/**
 * jitar.json checked against schemas/jitar.schema.json, with every problem worded for people: the
 * compiler reports each at its line and column, the runtime the first one.
 */
export interface JitarFileProblem
{
    /** JSON pointer of the value at fault (of the object holding it, for an unknown key). */
    readonly pointer: string;
    /** The unknown key, when the problem is one. */
    readonly unknownKey?: string;
    readonly message: string;
}

/** The problems of a parsed jitar.json; none when it is a JitarFile. */
export function checkJitarFile(value: unknown): JitarFileProblem[]
{
    const { schema, validate } = configSchema('jitar');
    if (validate(value)) return [];
    const problems: JitarFileProblem[] = [];
    const told = new Set<string>();
    for (const error of validate.errors ?? [])
    {
        if (error.keyword === 'additionalProperties')
        {
            const key = String(error.params.additionalProperty);
            const known = knownKeys(error.parentSchema);
            const near = nearestKey(key, known);
            const where = error.instancePath === '' ? 'jitar.json' : `'${keyPath(error.instancePath)}' of jitar.json`;
            problems.push({ pointer: error.instancePath, unknownKey: key, message: `Unknown key '${key}' in ${where}; known keys are ${known.join(', ')}${near === undefined ? '' : `; did you mean '${near}'?`}` });
            continue;
        }
        // One message per value (a wrong type can fail more than one keyword).
        if (told.has(error.instancePath)) continue;
        told.add(error.instancePath);
        problems.push({ pointer: error.instancePath, message: wrongValue(error, definitionOf(schema, error)) });
    }
    return problems;
}

export const isJitarFile = (value: unknown): value is JitarFile => configSchema('jitar').validate(value) === true;

function wrongValue(error: SchemaError, definition: string | undefined): string
{
    const path = keyPath(error.instancePath);
    const value = describeValue(error.data);
    if (path === '') return `jitar.json must hold an object, not ${value}`;
    if (definition === 'folder') return `'${path}' in jitar.json must be a folder path string, not ${value}`;
    if (path === 'build') return `'build' in jitar.json must be an object, not ${value}`;
    if (path === 'build.ignore') return `'build.ignore' in jitar.json must be an array of glob patterns (strings), not ${value}`;
    if (error.keyword === 'minLength') return `'${path}' in jitar.json must not be empty`;
    return `'${path}' in jitar.json must be a string, not ${value}`;
}
