import type { ClassManifest, JitarType } from '../../runtime/manifest.js';
import { classSource } from '../../runtime/serialization/class-resolver.js';
import type { OpenApiSchema } from './openapi-types.js';

/**
 * The `serialized` encoding's forms (COMPAT.md, "Serialized values"; runtime/serialization/serializer.ts
 * writes and reads them) as JSON Schemas: what a value that JSON cannot carry looks like on the wire.
 */

const marker = (name: string): OpenApiSchema => ({ serialized: { const: true }, name: { const: name } });

function form(name: string, description: string, properties: Record<string, OpenApiSchema>, required: string[]): OpenApiSchema
{
    return {
        type: 'object',
        description,
        properties: { ...marker(name), ...properties },
        required: ['serialized', 'name', ...required]
    };
}

const TYPED_ARRAY_TYPES = [
    'ArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
    'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'
];

/** The built-in forms by their wire name, shared as components `Serialized.<name>`. */
export const BUILT_IN_FORMS: Readonly<Record<string, OpenApiSchema>> = {
    BigInt: form('BigInt', 'A bigint: its decimal digits.', { value: { type: 'string', pattern: '^-?[0-9]+$' } }, ['value']),
    Date: form('Date', 'A Date: ISO 8601.', { value: { type: 'string', format: 'date-time' } }, ['value']),
    Url: form('Url', 'A URL.', { value: { type: 'string', format: 'uri' } }, ['value']),
    RegExp: form('RegExp', 'A regular expression.', { source: { type: 'string' }, flags: { type: 'string', pattern: '^[dgimsuvy]*$' } }, ['source', 'flags']),
    Buffer: form('Buffer', 'A Node Buffer: its bytes in base64.', { base64: { type: 'string', contentEncoding: 'base64' } }, ['base64']),
    TypedArray: form('TypedArray', 'A typed array or ArrayBuffer: its own bytes.', {
        type: { enum: TYPED_ARRAY_TYPES },
        bytes: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 255 } }
    }, ['type', 'bytes']),
    Error: form('Error', 'An error of a built-in or jitar error class (`type`); an unknown type is read as Error.', {
        type: { type: 'string' },
        message: { type: 'string' },
        stack: { type: 'string' },
        cause: {},
        errors: { type: 'array', description: 'An AggregateError\'s errors.' }
    }, ['type', 'message'])
};

/** The wire name of the form a built-in type of the manifest travels in. */
export function builtInFormName(type: Exclude<JitarType, 'undefined' | 'Map' | 'Set'>): string
{
    if (type === 'bigint') return 'BigInt';
    if (type === 'URL') return 'Url';
    if (type === 'Date' || type === 'RegExp' || type === 'Buffer') return type;
    return TYPED_ARRAY_TYPES.includes(type) ? 'TypedArray' : 'Error';
}

/** A Map or Set with its content's schemas (those differ per use, so these forms are written in place). */
export function containerForm(type: 'Map' | 'Set', keys: OpenApiSchema, items: OpenApiSchema): OpenApiSchema
{
    if (type === 'Set') return form('Set', 'A Set: its values in order.', { values: { type: 'array', items } }, ['values']);
    return form('Map', 'A Map: its keys and their values, in order.', {
        entries: { type: 'object', properties: { keys: { type: 'array', items: keys }, values: { type: 'array', items } }, required: ['keys', 'values'] }
    }, ['entries']);
}

/**
 * An instance of a registered class, in either form jitar reads: the seed's (answers to `?serialize=true`)
 * or the reference runtime's current one (answers to `x-jitar-data-encoding: serialized`). Constructor
 * arguments are by position, read back from the members of the same names, and the other public writable
 * members are `fields`. The manifest knows their names, not their types.
 */
export function classForm(item: ClassManifest): OpenApiSchema
{
    const name = item.exportName === 'default' ? item.key.slice(item.key.lastIndexOf('/') + 1) : item.exportName;
    const fields = item.members.filter(member => member.writable && !item.constructorParameters.includes(member.name));
    const fieldsSchema: OpenApiSchema = {
        type: 'object',
        properties: Object.fromEntries(fields.map(member => [member.name, {}])),
        additionalProperties: false
    };
    const parameters = item.constructorParameters;
    const described = `An instance of class ${item.key} (src ${item.file}), serialized: constructor arguments (${parameters.join(', ') || 'none'}) by position, other public fields by name`;
    return {
        anyOf: [
            {
                type: 'object',
                description: `${described}; the seed's form.`,
                properties: {
                    ...marker(name),
                    key: { const: item.key },
                    source: { const: classSource(item) },
                    args: { type: 'array', prefixItems: parameters.map(parameter => ({ description: parameter })), maxItems: parameters.length },
                    fields: fieldsSchema
                },
                required: ['serialized', 'name', 'source', 'args']
            },
            {
                type: 'object',
                description: `${described}; the reference runtime's form, arguments keyed by position.`,
                properties: {
                    ...marker('class'),
                    key: { const: item.key },
                    args: {
                        type: 'object',
                        properties: Object.fromEntries(parameters.map((parameter, index) => [String(index), { description: parameter }])),
                        additionalProperties: false
                    },
                    fields: fieldsSchema
                },
                required: ['serialized', 'name', 'key', 'args']
            }
        ]
    };
}
