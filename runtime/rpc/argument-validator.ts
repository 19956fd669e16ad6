import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

import type { JsonSchema, Manifest, ProcedureManifest } from '../manifest.js';
import { addJitarKeywords, type IsInstanceOfClass } from '../validation/keywords.js';
import { convertPlainValues, plainConversions } from './plain-values.js';

/**
 * Validators of every exposed procedure's arguments, compiled once at start from the manifest. Query
 * strings carry only text, so their validators coerce to the declared types; bodies are checked as sent.
 */
interface Compiled
{
    required: readonly string[];
    known: ReadonlySet<string>;
    strict: ValidateFunction;
    coercing: ValidateFunction;
    /** For plain calls: bigint and Date parameters sent as text. */
    conversions: ReturnType<typeof plainConversions>;
    /** The wire name of the rest parameter, if the procedure has one. */
    rest: string | undefined;
}

/**
 * The most values a rest parameter takes: they become the arguments of one call, and a call with too
 * many arguments overflows the stack (200,000 do).
 */
export const MAX_REST_VALUES = 10_000;

export class ArgumentValidator
{
    readonly #compiled = new Map<ProcedureManifest, Compiled>();

    constructor(manifest: Manifest, procedures: readonly ProcedureManifest[], isInstanceOfClass: IsInstanceOfClass)
    {
        // strictTuples would refuse the optional and rest elements that TypeScript tuples have.
        const options = { strict: true, strictTuples: false, allowUnionTypes: true, allErrors: false } as const;
        const strict = addJitarKeywords(new Ajv2020(options), isInstanceOfClass);
        const coercing = addJitarKeywords(new Ajv2020({ ...options, coerceTypes: 'array' }), isInstanceOfClass);
        // The shared definitions are one schema of their own, compiled once for all procedures (inlining
        // them into every procedure's schema made a 1,000-procedure app take seconds to start).
        const definitions = withFiniteNumbers(manifest.$defs);
        for (const ajv of [strict, coercing]) ajv.addSchema({ $id: DEFINITIONS_ID, $defs: definitions });

        for (const procedure of procedures)
        {
            const schema = argumentsSchema(procedure);
            const names = procedure.parameters.flatMap(parameter => parameter.names);
            this.#compiled.set(procedure, {
                required: names.filter(name => !name.optional).map(name => name.name),
                known: new Set(names.map(name => name.name)),
                strict: strict.compile(schema),
                coercing: coercing.compile(schema),
                conversions: plainConversions(procedure),
                rest: procedure.parameters.find(parameter => parameter.kind === 'rest')?.names[0].name
            });
        }
    }

    /**
     * Checks the arguments of a call; the message of the first problem, or undefined. Missing parameters
     * are reported before unknown ones, as Jitar does. The arguments of a plain (not serialized) call are
     * converted in place: query strings and forms (`coerce`) to the declared types, and bigint and Date
     * parameters from their text.
     */
    check(procedure: ProcedureManifest, args: Readonly<Record<string, unknown>>, coerce: boolean, plain: boolean = coerce): string | undefined
    {
        const compiled = this.#compiled.get(procedure);
        if (compiled === undefined) return `Procedure '${procedure.fqn}' is not served here`;
        for (const name of compiled.required) if (args[name] === undefined) return `Missing value for parameter '${name}'`;
        for (const key in args) if (!compiled.known.has(key)) return `Unknown parameter ${key}`;

        if (compiled.rest !== undefined)
        {
            const values = args[compiled.rest];
            if (Array.isArray(values) && values.length > MAX_REST_VALUES) return `Invalid value for parameter '${compiled.rest}': a rest parameter takes at most ${MAX_REST_VALUES} values, not ${values.length}`;
        }
        if (plain && compiled.conversions !== undefined)
        {
            const refused = convertPlainValues(args as Record<string, unknown>, compiled.conversions);
            if (refused !== undefined) return refused;
        }
        const validate = coerce ? compiled.coercing : compiled.strict;
        return validate(args) ? undefined : describe(validate.errors?.[0]);
    }
}

const DEFINITIONS_ID = 'jitar:definitions';

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

/** `Invalid value for parameter 'person' at 'address.street': must be string`. */
function describe(error: ErrorObject | undefined): string
{
    if (error === undefined) return 'Invalid arguments';
    const [parameter, ...inside] = error.instancePath.split('/').slice(1).map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'));
    const where = inside.length === 0 ? '' : ` at '${inside.join('.')}'`;
    const allowed = error.keyword === 'enum' ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.map(value => JSON.stringify(value)).join(', ')})` : '';
    const constant = error.keyword === 'const' ? ` (${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)})` : '';
    return `Invalid value for parameter '${parameter}'${where}: ${error.message ?? 'is invalid'}${allowed}${constant}`;
}
