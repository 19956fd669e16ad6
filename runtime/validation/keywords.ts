import { _, type Ajv, type AnySchemaObject, type ErrorObject, type KeywordCxt, type SchemaValidateFunction, type ValidateFunction } from 'ajv';

import type { JitarType, JsonSchema } from '../manifest.js';
import { withArticle } from '../wording.js';

/** How the validator recognises an instance of a registered class; the runtime answers from its class registry. */
export type IsInstanceOfClass = (key: string, value: unknown) => boolean;

/** Whether a deserialized value is of the built-in type the manifest names. */
export function isJitarType(type: JitarType, value: unknown): boolean
{
    switch (type)
    {
        case 'undefined': return value === undefined;
        case 'bigint': return typeof value === 'bigint';
        case 'Buffer': return (globalThis as { Buffer?: { isBuffer(value: unknown): boolean } }).Buffer?.isBuffer(value) ?? false;
        default: {
            const constructor = (globalThis as Record<string, unknown>)[type];
            return typeof constructor === 'function' && value instanceof constructor;
        }
    }
}

/** Ajv fills in where the failing value sits. */
function failing(keyword: string, message: string, params: Record<string, unknown>): Partial<ErrorObject>[]
{
    return [{ keyword, message, params }];
}

/**
 * Teaches an Ajv instance the manifest's own keywords (see JsonSchema in manifest.ts). Schemas stay
 * declarative; the keywords check values that JSON Schema cannot describe: instances, Maps and Sets.
 */
export function addJitarKeywords(ajv: Ajv, isInstanceOfClass: IsInstanceOfClass): Ajv
{
    const typeCheck: SchemaValidateFunction = (type: JitarType, value: unknown): boolean =>
    {
        const valid = isJitarType(type, value);
        typeCheck.errors = valid ? [] : failing('jitarType', type === 'undefined' ? 'must be absent' : `must be ${withArticle(type)}`, { jitarType: type });
        return valid;
    };
    ajv.addKeyword({ keyword: 'jitarType', schemaType: 'string', validate: typeCheck, errors: true });

    const classCheck: SchemaValidateFunction = (key: string, value: unknown): boolean =>
    {
        const valid = isInstanceOfClass(key, value);
        classCheck.errors = valid ? [] : failing('jitarClass', `must be an instance of class ${key}`, { jitarClass: key });
        return valid;
    };
    ajv.addKeyword({ keyword: 'jitarClass', schemaType: 'string', validate: classCheck, errors: true });

    // Generated code rather than a function: it sits beside every number check, on the hot path.
    ajv.addKeyword({
        keyword: 'jitarFinite', schemaType: 'boolean',
        code: (context: KeywordCxt) => context.fail(_`typeof ${context.data} == "number" && !isFinite(${context.data})`),
        error: { message: 'must be a finite number' }
    });

    // Map keys, and Map values or Set items: the jitarType keyword beside them checks the container itself.
    ajv.addKeyword({ keyword: 'jitarKeys', schemaType: 'object', compile: (schema: JsonSchema, _parent, context) => contentCheck(ajv, schema, context?.schemaEnv.root.schema, 'keys') });
    ajv.addKeyword({ keyword: 'jitarItems', schemaType: 'object', compile: (schema: JsonSchema, _parent, context) => contentCheck(ajv, schema, context?.schemaEnv.root.schema, 'items') });
    return ajv;
}

function contentCheck(ajv: Ajv, schema: JsonSchema, root: AnySchemaObject | boolean | undefined, part: 'keys' | 'items'): (value: unknown) => boolean
{
    // A content schema may point into the root's shared definitions, so it is compiled next to them.
    const definitions = typeof root === 'object' ? root.$defs as Record<string, JsonSchema> | undefined : undefined;
    const validate: ValidateFunction = ajv.compile(definitions === undefined ? schema : { ...schema, $defs: definitions });
    return (value: unknown): boolean =>
    {
        if (value instanceof Map) return [...(part === 'keys' ? value.keys() : value.values())].every(item => validate(item));
        if (value instanceof Set) return [...value].every(item => validate(item));
        return true;
    };
}
