import type { JsonSchema, JsonValue, Manifest } from '../../runtime/manifest.js';
import type { OpenApiMediaType, OpenApiResponse, OpenApiSchema } from './openapi-types.js';
import { definitionKey } from './schema-walk.js';
import type { Encoding, WireSchemas } from './wire-schemas.js';

/**
 * What an answer looks like (COMPAT.md's result table): strings, numbers and booleans as text/plain,
 * undefined and null as an empty body, objects and arrays as JSON; `x-jitar-content-type` says which.
 */

type Kind = 'string' | 'number' | 'boolean' | 'bigint' | 'undefined' | 'null' | 'json' | 'any';

const TEXT_FORMS: Readonly<Partial<Record<Kind, OpenApiSchema>>> = {
    string: { type: 'string' },
    number: { type: 'string', pattern: '^-?([0-9.e+-]+|Infinity)$|^NaN$', description: 'A number, as text.' },
    boolean: { type: 'string', enum: ['true', 'false'] },
    bigint: { type: 'string', pattern: '^-?[0-9]+$', description: 'A bigint, as its decimal digits.' }
};

const JITAR_CONTENT_TYPES: Readonly<Record<Exclude<Kind, 'any'>, string>> = {
    string: 'text/plain', number: 'application/number', boolean: 'application/boolean', bigint: 'text/plain',
    undefined: 'application/undefined', null: 'application/null', json: 'application/json'
};

/** The kinds of value a schema allows, as the answer's encoding tells them apart. */
function kindsOf(schema: JsonSchema, manifest: Manifest, encoding: Encoding, visited = new Set<string>()): Set<Kind>
{
    const key = definitionKey(schema);
    if (key !== undefined)
    {
        if (visited.has(key)) return new Set(['json']);
        visited.add(key);
        return kindsOf(manifest.$defs[key] ?? {}, manifest, encoding, visited);
    }
    if (schema.anyOf !== undefined) return new Set(schema.anyOf.flatMap(member => [...kindsOf(member, manifest, encoding, visited)]));
    if (schema.jitarType === 'undefined') return new Set(['undefined']);
    if (schema.jitarType === 'bigint' && encoding === 'plain') return new Set(['bigint']);
    if (schema.jitarType !== undefined || schema.jitarClass !== undefined) return new Set(['json']);
    const values = schema.const !== undefined ? [schema.const] : schema.enum;
    if (values !== undefined) return new Set(values.map(kindOfValue));
    if (schema.type === undefined) return new Set(['any']);
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    return new Set(types.map(type => type === 'integer' ? 'number' : type === 'object' || type === 'array' ? 'json' : type));
}

function kindOfValue(value: JsonValue): Kind
{
    if (value === null) return 'null';
    if (typeof value === 'string') return 'string';
    if (typeof value === 'number') return 'number';
    return typeof value === 'boolean' ? 'boolean' : 'json';
}

/** The 200 answer of a procedure with this result. */
export function resultResponse(result: JsonSchema, manifest: Manifest, encoding: Encoding, wire: WireSchemas): OpenApiResponse
{
    const kinds = kindsOf(result, manifest, encoding);
    const any = kinds.has('any');
    const texts = [...kinds].filter(kind => TEXT_FORMS[kind] !== undefined);
    const content: Record<string, OpenApiMediaType> = {};
    if (texts.length > 0 || any)
    {
        // When the result is text only, the text keeps its precise schema (an enum of strings, say).
        const onlyText = !any && !kinds.has('json') && texts.length === kinds.size;
        const forms = texts.map(kind => TEXT_FORMS[kind] ?? {});
        content['text/plain'] = { schema: onlyText && texts.every(kind => kind === 'string') ? wire.of(result, encoding) : any ? { type: 'string' } : forms.length === 1 ? forms[0] : { anyOf: forms } };
    }
    if (kinds.has('json') || any) content['application/json'] = { schema: wire.of(result, encoding) };

    const jitarTypes = any ? Object.values(JITAR_CONTENT_TYPES) : [...kinds].map(kind => kind === 'any' ? 'application/json' : JITAR_CONTENT_TYPES[kind]);
    const empty = kinds.has('undefined') || kinds.has('null') || any;
    return {
        description: `The result${empty ? ' (an empty text/plain body for undefined and null)' : ''}.`,
        headers: { 'x-jitar-content-type': { description: 'The result\'s type, for clients that rebuild it.', schema: { type: 'string', enum: [...new Set(jitarTypes)] } } },
        ...Object.keys(content).length > 0 ? { content } : {}
    };
}

/** Why each error status comes, before the app's own error classes are named. */
const STATUS_REASONS: Readonly<Record<number, string>> = {
    400: 'Bad arguments: missing, unknown, or not of the declared type (the message names the parameter); or a BadRequest the procedure threw.',
    401: 'The procedure is protected and the request has no valid x-jitar-trust-key (\'Request not trusted\').',
    404: 'No such procedure, or not at the requested version (the message names the versions there are).',
    500: 'The procedure failed (an error that is not one of jitar\'s error classes), or its result could not be encoded.'
};

/** The shared answer for an error status, in one encoding: the message as text, or the serialized error. */
export function errorResponse(status: number, manifest: Manifest, encoding: Encoding, wire: WireSchemas): OpenApiResponse
{
    const classes = manifest.classes.filter(item => item.status === status).map(item => item.key);
    const reason = STATUS_REASONS[status] ?? `An error the procedure threw with status ${status}.`;
    const content: Record<string, OpenApiMediaType> = { 'text/plain': { schema: { type: 'string', description: 'The error\'s message.' } } };
    if (encoding === 'serialized') content['application/json'] = { schema: wire.error(status) };
    return {
        description: `${reason}${classes.length > 0 ? ` Error classes of the app with this status: ${classes.join(', ')}.` : ''}`
            + (encoding === 'serialized' ? ' Serialized calls get the error itself as JSON (the request problems found before decoding stay text).' : ''),
        content
    };
}

/** The statuses an exposed procedure may answer with besides 200. */
export function errorStatuses(manifest: Manifest, isProtected: boolean): number[]
{
    const statuses = new Set([400, 404, 500, ...manifest.classes.map(item => item.status).filter(status => status !== undefined)]);
    if (isProtected) statuses.add(401);
    return [...statuses].sort((a, b) => a - b);
}
