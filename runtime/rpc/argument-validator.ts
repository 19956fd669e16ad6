import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

import type { JsonSchema, Manifest, ProcedureManifest } from '../manifest.js';
import { addJitarKeywords, type IsInstanceOfClass } from '../validation/keywords.js';

/**
 * Validators of every exposed procedure's arguments, compiled once at start from the manifest. Query
 * strings carry only text, so their validators coerce to the declared types; bodies are checked as sent.
 */
export class ArgumentValidator
{
    readonly #strict = new Map<ProcedureManifest, ValidateFunction>();
    readonly #coercing = new Map<ProcedureManifest, ValidateFunction>();

    constructor(manifest: Manifest, procedures: readonly ProcedureManifest[], isInstanceOfClass: IsInstanceOfClass)
    {
        // strictTuples would refuse the optional and rest elements that TypeScript tuples have.
        const options = { strict: true, strictTuples: false, allowUnionTypes: true, allErrors: false } as const;
        const strict = addJitarKeywords(new Ajv2020(options), isInstanceOfClass);
        const coercing = addJitarKeywords(new Ajv2020({ ...options, coerceTypes: 'array' }), isInstanceOfClass);

        for (const procedure of procedures)
        {
            const schema = argumentsSchema(procedure, manifest.$defs);
            this.#strict.set(procedure, strict.compile(schema));
            this.#coercing.set(procedure, coercing.compile(schema));
        }
    }

    /**
     * Checks (and, with `coerce`, converts in place) the arguments of a call; the message of the first
     * problem, or undefined. Missing parameters are reported before unknown ones, as Jitar does.
     */
    check(procedure: ProcedureManifest, args: Record<string, unknown>, coerce: boolean): string | undefined
    {
        const names = procedure.parameters.flatMap(parameter => parameter.names);
        const missing = names.find(name => !name.optional && args[name.name] === undefined);
        if (missing !== undefined) return `Missing value for parameter '${missing.name}'`;
        const unknown = Object.keys(args).find(key => !names.some(name => name.name === key));
        if (unknown !== undefined) return `Unknown parameter ${unknown}`;

        const validate = (coerce ? this.#coercing : this.#strict).get(procedure);
        if (validate === undefined || validate(args)) return undefined;
        return describe(validate.errors?.[0]);
    }
}

function argumentsSchema(procedure: ProcedureManifest, definitions: Record<string, JsonSchema>): object
{
    const names = procedure.parameters.flatMap(parameter => parameter.names);
    return {
        type: 'object',
        properties: Object.fromEntries(names.map(name => [name.name, name.schema])),
        required: names.filter(name => !name.optional).map(name => name.name),
        additionalProperties: false,
        $defs: definitions
    };
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
