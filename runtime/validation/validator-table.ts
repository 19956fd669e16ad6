import type { ErrorObject } from 'ajv';

/** One compiled check of a procedure's arguments: Ajv's validate function, from Ajv at start or from the build. */
export interface ArgumentCheck
{
    (args: unknown): boolean;
    errors?: ErrorObject[] | null;
}

/** The validators of an app's procedures, wherever they were compiled. */
export interface ValidatorTable
{
    /** Each procedure's validators, as an index into `strict` and `coercing`, by procedureKey. */
    procedures: Readonly<Record<string, number>>;
    /** For bodies, checked as sent. */
    strict: readonly ArgumentCheck[];
    /** For query strings and forms, which carry only text: they coerce to the declared types. */
    coercing: readonly ArgumentCheck[];
}
