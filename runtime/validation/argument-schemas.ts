import type { JsonSchema, Manifest, ProcedureManifest } from '../manifest.js';

/**
 * The JSON Schemas the argument validators check: one per procedure (its top-level wire names as the
 * properties of one object), and the manifest's shared definitions as a schema of their own. Ajv compiles
 * them at start (compile-validators.ts), or jitar-compile ahead of it (transformer/validators-writer.ts):
 * both take them from here, so that the two give the same validators.
 */
export interface ArgumentSchemas
{
    /** The shared definitions, compiled once for all procedures (inlining them into every procedure's schema made a 1,000-procedure app take seconds to start). */
    definitions: { $id: string; $defs: Record<string, JsonSchema> };
    /** The distinct procedure schemas: procedures that take the same arguments share one validator. */
    schemas: object[];
    /** Each procedure's schema, as an index into `schemas`, by procedureKey. */
    procedures: Record<string, number>;
}

/**
 * The options both Ajv instances share; the coercing one adds `coerceTypes`. strictTuples would refuse the
 * optional and rest elements that TypeScript tuples have. The schemas are ours (made from the manifest
 * here), so they are not checked against the draft's meta-schema: compiling that meta-schema cost more
 * than all the argument schemas of a small app (strict mode still refuses unknown keywords).
 */
export const AJV_OPTIONS = { strict: true, strictTuples: false, allowUnionTypes: true, allErrors: false, validateSchema: false } as const;

const DEFINITIONS_ID = 'jitar:definitions';

/** How the validators of a procedure are found: its FQN and version. */
export function procedureKey(procedure: ProcedureManifest): string
{
    return `${procedure.fqn}@${procedure.version}`;
}

export function argumentSchemas(manifest: Manifest, procedures: readonly ProcedureManifest[]): ArgumentSchemas
{
    const schemas: object[] = [];
    const byText = new Map<string, number>();
    const indexes: Record<string, number> = {};
    for (const procedure of procedures)
    {
        const schema = argumentsSchema(procedure);
        const text = JSON.stringify(schema);
        let index = byText.get(text);
        if (index === undefined)
        {
            index = schemas.push(schema) - 1;
            byText.set(text, index);
        }
        indexes[procedureKey(procedure)] = index;
    }
    return { definitions: { $id: DEFINITIONS_ID, $defs: withFiniteNumbers(manifest.$defs) }, schemas, procedures: indexes };
}

function argumentsSchema(procedure: ProcedureManifest): object
{
    const names = procedure.parameters.flatMap(parameter => parameter.names);
    return {
        type: 'object',
        properties: Object.fromEntries(names.map(name => [name.name, pointToDefinitions(name.schema)])),
        required: names.filter(name => !name.optional).map(name => name.name),
        additionalProperties: false
    };
}

/** The manifest's `#/$defs/X` references, pointed at the shared definitions schema (and finite numbers, as withFiniteNumbers). */
function pointToDefinitions(schema: JsonSchema): JsonSchema
{
    return rewrite(schema, (key, item) => key === '$ref' && typeof item === 'string' && item.startsWith('#/$defs/') ? DEFINITIONS_ID + item : undefined) as JsonSchema;
}

/**
 * Schemas whose numbers must be finite (`jitarFinite`): JSON reads `1e400` as Infinity, and a query
 * string's `1e400` is coerced to it; neither is a number a TypeScript `number` parameter expects.
 */
function withFiniteNumbers(definitions: Record<string, JsonSchema>): Record<string, JsonSchema>
{
    return rewrite(definitions, () => undefined, true) as Record<string, JsonSchema>;
}

/** Keywords whose values are data, not schemas: they are copied as they are. */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['const', 'enum', 'default', 'examples']);
/** Keywords whose values map names (of properties, definitions) to schemas: those names are no keywords. */
const NAMED_SCHEMAS: ReadonlySet<string> = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);

/**
 * A copy of a schema with `replace`'s values for the keys it answers, and jitarFinite beside every number
 * type. `named`: `value` maps names to schemas (a `properties` object), rather than being a schema.
 */
function rewrite(value: unknown, replace: (key: string, item: unknown) => unknown, named = false): unknown
{
    if (Array.isArray(value)) return value.map(item => rewrite(item, replace));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (named) return Object.fromEntries(entries.map(([name, schema]) => [name, rewrite(schema, replace)]));
    const copy = Object.fromEntries(entries.map(([key, item]) =>
        [key, replace(key, item) ?? (DATA_KEYWORDS.has(key) ? item : rewrite(item, replace, NAMED_SCHEMAS.has(key)))]));
    const type: unknown = copy.type;
    const types = Array.isArray(type) ? type : [type];
    if (types.includes('number') || types.includes('integer')) copy.jitarFinite = true;
    return copy;
}
