import type { JsonSchema, JsonValue, Manifest } from '../../runtime/manifest.js';
import { definitionKey } from '../openapi/schema-walk.js';

/** A schema with the manifest it comes from: its references and classes are that manifest's. */
export interface Scoped
{
    schema: JsonSchema;
    manifest: Manifest;
}

/** How a type changed between two builds: `widened` takes more values than before, `narrowed` fewer. */
export type Relation = 'same' | 'widened' | 'narrowed' | 'changed';

export function relation(before: Scoped, after: Scoped): Relation
{
    const wider = within(before, after);
    const narrower = within(after, before);
    if (wider && narrower) return 'same';
    if (wider) return 'widened';
    return narrower ? 'narrowed' : 'changed';
}

const ANNOTATIONS: ReadonlySet<string> = new Set(['description']);

/**
 * Whether every value `inner` allows, `outer` allows too. It answers yes only when it can tell: schemas it
 * cannot compare (a `not`, a union it cannot match member by member) count as not within, so a doubtful
 * change counts as breaking. Recursive definitions are assumed within while they are being compared.
 */
export function within(inner: Scoped, outer: Scoped, assumed = new Set<string>()): boolean
{
    const innerKey = definitionKey(inner.schema);
    const outerKey = definitionKey(outer.schema);
    if (innerKey !== undefined || outerKey !== undefined)
    {
        const pair = `${innerKey ?? JSON.stringify(inner.schema)}\u0000${outerKey ?? JSON.stringify(outer.schema)}`;
        if (assumed.has(pair)) return true;
        assumed.add(pair);
        return within(resolve(inner), resolve(outer), assumed);
    }
    const a = inner.schema;
    const b = outer.schema;
    const sub = (x: JsonSchema, y: JsonSchema): boolean => within({ schema: x, manifest: inner.manifest }, { schema: y, manifest: outer.manifest }, assumed);

    if (isAnything(b)) return true;
    if (a.anyOf !== undefined) return a.anyOf.every(member => sub(member, b));
    if (b.anyOf !== undefined) return b.anyOf.some(member => sub(a, member));
    if (isAnything(a)) return false;
    if (a.not !== undefined || b.not !== undefined) return JSON.stringify(a) === JSON.stringify(b);

    if (a.jitarClass !== undefined || b.jitarClass !== undefined) return sameClass(inner, outer);
    if (a.jitarType !== undefined || b.jitarType !== undefined)
    {
        if (a.jitarType !== b.jitarType) return false;
        return (a.jitarKeys === undefined || b.jitarKeys === undefined || sub(a.jitarKeys, b.jitarKeys))
            && (a.jitarItems === undefined || b.jitarItems === undefined || sub(a.jitarItems, b.jitarItems));
    }

    const values = a.const !== undefined ? [a.const] : a.enum;
    if (values !== undefined) return values.every(value => allows(b, value));
    if (b.const !== undefined || b.enum !== undefined) return false;

    const innerTypes = typesOf(a);
    const outerTypes = typesOf(b);
    if (innerTypes === undefined) return outerTypes === undefined && JSON.stringify(a) === JSON.stringify(b);
    if (outerTypes !== undefined && !innerTypes.every(type => outerTypes.includes(type) || (type === 'integer' && outerTypes.includes('number')))) return false;
    if (innerTypes.includes('object') && !objectWithin(a, b, sub)) return false;
    if (innerTypes.includes('array') && !arrayWithin(a, b, sub)) return false;
    return true;
}

function resolve(scoped: Scoped): Scoped
{
    const key = definitionKey(scoped.schema);
    return key === undefined ? scoped : { schema: scoped.manifest.$defs[key] ?? {}, manifest: scoped.manifest };
}

const isAnything = (schema: JsonSchema): boolean => Object.keys(schema).every(key => ANNOTATIONS.has(key));

function typesOf(schema: JsonSchema): string[] | undefined
{
    return schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** An instance of the same class whose serialized form is unchanged, or of a subclass of the outer class. */
function sameClass(inner: Scoped, outer: Scoped): boolean
{
    const key = inner.schema.jitarClass;
    const target = outer.schema.jitarClass;
    if (key === undefined || target === undefined) return false;
    const before = inner.manifest.classes.find(item => item.key === key);
    let ancestor: string | undefined = key;
    while (ancestor !== undefined && ancestor !== target) ancestor = inner.manifest.classes.find(item => item.key === ancestor)?.extends;
    if (ancestor === undefined) return false;
    // Its instances travel as constructor arguments by position: a change there is a change of the type.
    const after = outer.manifest.classes.find(item => item.key === key);
    return before === undefined || after === undefined || JSON.stringify(before.constructorParameters) === JSON.stringify(after.constructorParameters);
}

function allows(schema: JsonSchema, value: JsonValue): boolean
{
    if (isAnything(schema)) return true;
    if (schema.anyOf !== undefined) return schema.anyOf.some(member => allows(member, value));
    if (schema.const !== undefined) return JSON.stringify(schema.const) === JSON.stringify(value);
    if (schema.enum !== undefined) return schema.enum.some(item => JSON.stringify(item) === JSON.stringify(value));
    const types = typesOf(schema);
    if (types === undefined || schema.$ref !== undefined || schema.jitarType !== undefined || schema.jitarClass !== undefined) return false;
    const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;
    return types.includes(type) || (type === 'integer' && types.includes('number'));
}

type Sub = (inner: JsonSchema, outer: JsonSchema) => boolean;

/** `additionalProperties` as a schema: absent or true takes anything, false nothing. */
function additional(schema: JsonSchema): JsonSchema | false
{
    const value = schema.additionalProperties;
    return value === undefined || value === true ? {} : value;
}

function objectWithin(a: JsonSchema, b: JsonSchema, sub: Sub): boolean
{
    const innerRequired = new Set(a.required ?? []);
    if ((b.required ?? []).some(name => !innerRequired.has(name))) return false;
    for (const [name, property] of Object.entries(a.properties ?? {}))
    {
        const target = b.properties?.[name] ?? additional(b);
        if (target === false || !sub(property, target)) return false;
    }
    const innerRest = additional(a);
    for (const [name, property] of Object.entries(b.properties ?? {}))
    {
        if (a.properties?.[name] === undefined && innerRest !== false && !sub(innerRest, property)) return false;
    }
    const outerRest = additional(b);
    if (innerRest === false) return true;
    return outerRest !== false && sub(innerRest, outerRest);
}

/** `items` as a schema: absent or true takes anything, false nothing. */
function items(value: JsonSchema | boolean | undefined): JsonSchema | false
{
    return value === undefined || value === true ? {} : value;
}

function arrayWithin(a: JsonSchema, b: JsonSchema, sub: Sub): boolean
{
    if ((a.minItems ?? 0) < (b.minItems ?? 0)) return false;
    if (b.maxItems !== undefined && (a.maxItems === undefined || a.maxItems > b.maxItems)) return false;
    const positions = Math.max(a.prefixItems?.length ?? 0, b.prefixItems?.length ?? 0);
    for (let index = 0; index <= positions; index++)
    {
        // The last round compares what follows the positional items.
        const inner = index < positions ? a.prefixItems?.[index] ?? items(a.items) : items(a.items);
        const outer = index < positions ? b.prefixItems?.[index] ?? items(b.items) : items(b.items);
        if (inner === false) continue;
        if (a.maxItems !== undefined && index >= a.maxItems) continue;
        if (outer === false || !sub(inner, outer)) return false;
    }
    return true;
}
