import type { ErrorObject } from 'ajv';

import type { ClassManifest, Manifest, ProcedureManifest } from '../manifest.js';
import { classSource } from '../serialization/class-resolver.js';
import { argumentSchemas, procedureKey } from '../validation/argument-schemas.js';
import { valueChecks, type IsInstanceOfClass } from '../validation/value-checks.js';
import type { ArgumentCheck, ValidatorTable } from '../validation/validator-table.js';
import { loadPrebuiltValidators } from '../validation/validators-module.js';
import { convertPlainValues, plainConversions } from './plain-values.js';

/** What the validator knows of one exposed procedure's arguments. */
interface Compiled
{
    required: readonly string[];
    known: ReadonlySet<string>;
    strict: ArgumentCheck;
    coercing: ArgumentCheck;
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

export interface ValidatorLoadOptions
{
    /** The app's target folder: where the build wrote the manifest and the validators. */
    target: string;
    /** Told why the validators are compiled at start, when the build's cannot be used. */
    onCompileAtStart(problem: string): void;
}

/**
 * The validators of the procedures this process serves: the ones jitar-compile wrote ahead when the build
 * has them, or else compiled now by Ajv (slower: Ajv is only loaded then).
 */
export async function loadArgumentValidator(manifest: Manifest, procedures: readonly ProcedureManifest[], isInstanceOfClass: IsInstanceOfClass, options: ValidatorLoadOptions): Promise<ArgumentValidator>
{
    if (procedures.length === 0) return new ArgumentValidator([], { procedures: {}, strict: [], coercing: [] }, manifest.classes);
    const checks = valueChecks(isInstanceOfClass);
    const prebuilt = await loadPrebuiltValidators(options.target, manifest, checks);
    let problem: string;
    if ('problem' in prebuilt) problem = prebuilt.problem;
    else
    {
        const missing = procedures.find(procedure => !(procedureKey(procedure) in prebuilt.procedures));
        if (missing === undefined) return new ArgumentValidator(procedures, prebuilt, manifest.classes);
        problem = `the prebuilt validators lack those of '${missing.fqn}' ${missing.version}`;
    }
    options.onCompileAtStart(problem);
    const { compileValidators } = await import('../validation/compile-validators.js');
    return new ArgumentValidator(procedures, compileValidators(argumentSchemas(manifest, procedures), checks), manifest.classes);
}

export class ArgumentValidator
{
    readonly #compiled = new Map<ProcedureManifest, Compiled>();
    /** The manifest's classes by key: a plain call that sends one as a JSON object is told its serialized form. */
    readonly #classes: ReadonlyMap<string, ClassManifest>;

    constructor(procedures: readonly ProcedureManifest[], validators: ValidatorTable, classes: readonly ClassManifest[] = [])
    {
        this.#classes = new Map(classes.map(entry => [entry.key, entry]));
        for (const procedure of procedures)
        {
            const index = validators.procedures[procedureKey(procedure)];
            const names = procedure.parameters.flatMap(parameter => parameter.names);
            this.#compiled.set(procedure, {
                required: names.filter(name => !name.optional).map(name => name.name),
                known: new Set(names.map(name => name.name)),
                strict: validators.strict[index],
                coercing: validators.coercing[index],
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
        if (validate(args)) return undefined;
        const error = validate.errors?.[0];
        return describe(error) + (plain ? this.#serializedHint(error) : '');
    }

    /**
     * A plain call (JSON, a form, a query string) cannot carry an instance: a curl user sending
     * `{"name": "Ann"}` for a Person is shown the form that can.
     */
    #serializedHint(error: ErrorObject | undefined): string
    {
        if (error?.keyword !== 'jitarClass') return '';
        const registered = this.#classes.get((error.params as { jitarClass: string }).jitarClass);
        if (registered === undefined) return '';
        const name = registered.exportName === 'default' ? registered.key.slice(registered.key.lastIndexOf('/') + 1) : registered.exportName;
        const form = { serialized: true, name, source: classSource(registered), args: registered.constructorParameters.map(parameter => `<${parameter}>`) };
        return `; send instances in the serialized encoding (?serialize=true, or the header 'x-jitar-data-encoding: serialized'), as ${JSON.stringify(form)}`;
    }
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
