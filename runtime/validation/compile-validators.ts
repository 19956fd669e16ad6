import { Ajv2020, type Options } from 'ajv/dist/2020.js';

import type { ArgumentSchemas } from './argument-schemas.js';
import { AJV_OPTIONS } from './argument-schemas.js';
import { addJitarKeywords } from './keywords.js';
import type { ValueChecks } from './value-checks.js';
import type { ValidatorTable } from './validator-table.js';

/**
 * The two Ajv instances the validators come from: bodies are checked as sent; query strings carry only
 * text, so their validators coerce to the declared types. Each knows our keywords and the shared definitions.
 * `extra`: jitar-compile asks for the generated source (`code.source`), to write it out.
 */
export function validatorAjvs(schemas: ArgumentSchemas, checks: ValueChecks, extra: Options = {}): { strict: Ajv2020; coercing: Ajv2020 }
{
    const strict = addJitarKeywords(new Ajv2020({ ...AJV_OPTIONS, ...extra }), checks);
    const coercing = addJitarKeywords(new Ajv2020({ ...AJV_OPTIONS, ...extra, coerceTypes: 'array' }), checks);
    for (const ajv of [strict, coercing]) ajv.addSchema(schemas.definitions);
    return { strict, coercing };
}

/**
 * The validators compiled now, in this process: what a start does when the build wrote none it can use
 * (validators-module.ts). It costs seconds for an app of a thousand procedures; loaded only then.
 */
export function compileValidators(schemas: ArgumentSchemas, checks: ValueChecks): ValidatorTable
{
    const { strict, coercing } = validatorAjvs(schemas, checks);
    return {
        procedures: schemas.procedures,
        strict: schemas.schemas.map(schema => strict.compile(schema)),
        coercing: schemas.schemas.map(schema => coercing.compile(schema))
    };
}
