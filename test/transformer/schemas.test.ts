import { Ajv2020 } from 'ajv/dist/2020.js';

import type { JsonSchema, Manifest } from '../../runtime/manifest.js';
import { addJitarKeywords } from '../../runtime/validation/keywords.js';
import { analyseFixture } from './fixture-apps.js';

/** Stands in for the app's Person class, which the runtime would load from the app's output. */
class Person
{
    constructor(readonly name: string) {}
}

let manifest: Manifest;
let ajv: Ajv2020;

beforeAll(() =>
{
    manifest = analyseFixture('showcase').manifest;
    // strictTuples would forbid optional and rest elements, which TypeScript tuples have.
    ajv = new Ajv2020({ strict: true, strictTuples: false, allowUnionTypes: true, allErrors: true });
    addJitarKeywords(ajv, (key, value) => key === 'domain/Person' && value instanceof Person);
});

function schemaOf(fqn: string, wireName: string): JsonSchema
{
    const name = manifest.procedures
        .filter(candidate => candidate.fqn === fqn)
        .flatMap(procedure => procedure.parameters.flatMap(parameter => parameter.names))
        .find(candidate => candidate.name === wireName);
    if (name === undefined) throw new Error(`no parameter ${wireName} in ${fqn}`);
    return name.schema;
}

function definition(key: string): JsonSchema | undefined
{
    return manifest.$defs[key];
}

/** Whether each value passes the parameter's schema, compiled as the runtime will: next to the shared definitions. */
function accepts(fqn: string, wireName: string, ...values: unknown[]): boolean[]
{
    const validate = ajv.compile({ ...schemaOf(fqn, wireName), $defs: manifest.$defs });
    return values.map(value => validate(value));
}

describe('primitives', () =>
{
    test('string, number, boolean, null and undefined', () =>
    {
        expect(['text', 'amount', 'flag', 'nothing', 'absent'].map(name => schemaOf('domain/primitives', name))).toEqual([
            { type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }, { jitarType: 'undefined' }
        ]);
    });

    test('a number parameter refuses a string', () =>
    {
        expect(accepts('domain/primitives', 'amount', 3, '3')).toEqual([true, false]);
    });

    test('bigint', () =>
    {
        expect(accepts('domain/anything', 'big', 10n, 10)).toEqual([true, false]);
    });
});

describe('literals, unions and enums', () =>
{
    test('a number literal is a const', () =>
    {
        expect(schemaOf('domain/literals', 'answer')).toEqual({ const: 42 });
    });

    test('a boolean literal is a const', () =>
    {
        expect(schemaOf('domain/literals', 'on')).toEqual({ const: true });
    });

    test('a union of literals and null is an enum', () =>
    {
        expect(accepts('domain/literals', 'mode', 'a', null, 'c')).toEqual([true, true, false]);
    });

    test('a type alias of a literal union is a shared definition', () =>
    {
        expect([schemaOf('domain/literals', 'status'), definition('domain.types.Status')]).toEqual([{ $ref: '#/$defs/domain.types.Status' }, { enum: ['open', 'closed'] }]);
    });

    test('a numeric enum', () =>
    {
        expect(definition('domain.types.Color')).toEqual({ enum: [0, 1, 2] });
    });

    test('a string enum', () =>
    {
        expect(accepts('domain/enums', 'size', 'S', 'M')).toEqual([true, false]);
    });

    test('an optional boolean is a boolean, not a union with undefined', () =>
    {
        expect(schemaOf('domain/order/placeOrder', 'express')).toEqual({ type: 'boolean' });
    });
});

describe('arrays and tuples', () =>
{
    test('an array', () =>
    {
        expect(accepts('domain/collections', 'list', [1, 2], [1, 'x'])).toEqual([true, false]);
    });

    test('a tuple with an optional element', () =>
    {
        expect(accepts('domain/collections', 'tuple', ['a'], ['a', 1], ['a', 1, 2], [1])).toEqual([true, true, false, false]);
    });

    test('a tuple with a rest element', () =>
    {
        expect(accepts('domain/collections', 'variadic', ['a'], ['a', true, false], ['a', 'b'])).toEqual([true, true, false]);
    });

    test('a readonly array of arrays', () =>
    {
        expect(schemaOf('domain/collections', 'matrix')).toEqual({ type: 'array', items: { type: 'array', items: { type: 'string' } } });
    });
});

describe('objects', () =>
{
    test('an interface with an optional member', () =>
    {
        expect(definition('domain.types.Contact')).toEqual({
            type: 'object',
            properties: { email: { type: 'string' }, phone: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
            required: ['email', 'tags'],
            additionalProperties: false
        });
    });

    test('a closed object refuses extra and missing properties', () =>
    {
        expect(accepts('domain/objects', 'contact', { email: 'a', tags: [] }, { email: 'a', tags: [], extra: 1 }, { tags: [] })).toEqual([true, false, false]);
    });

    test('an index signature', () =>
    {
        expect(accepts('domain/objects', 'counts', { a: 1 }, { a: 'x' })).toEqual([true, false]);
    });

    test('Record<string, T>', () =>
    {
        expect(definition('domain.types.Labels')).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    });

    test('Record with literal keys has those properties, required', () =>
    {
        expect(accepts('domain/moreShapes', 'scores', { math: 1, art: 2 }, { math: 1 })).toEqual([true, false]);
    });

    test('members beside an index signature', () =>
    {
        expect(schemaOf('domain/moreShapes', 'dictionary')).toEqual({
            type: 'object', properties: { size: { type: 'number' } }, required: ['size'], additionalProperties: { type: 'number' }
        });
    });

    test('an inline object type is inlined', () =>
    {
        expect(schemaOf('domain/objects', 'inline')).toEqual({
            type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } }, required: ['a'], additionalProperties: false
        });
    });

    test('the object type accepts any object', () =>
    {
        expect(accepts('domain/moreShapes', 'thing', {}, [], 'x')).toEqual([true, true, false]);
    });
});

describe('named, recursive and generic types', () =>
{
    test('a recursive interface refers to itself', () =>
    {
        expect(definition('domain.types.Tree')?.properties?.children).toEqual({ type: 'array', items: { $ref: '#/$defs/domain.types.Tree' } });
    });

    test('a recursive value validates at every depth', () =>
    {
        const good = { value: 1, children: [{ value: 2, children: [] }] };
        const bad = { value: 1, children: [{ value: 'two', children: [] }] };
        expect(accepts('domain/recursive', 'tree', good, bad)).toEqual([true, false]);
    });

    test('a recursive union alias', () =>
    {
        expect(accepts('domain/recursive', 'json', { a: [1, 'x', null, { b: true }] }, { a: [undefined] })).toEqual([true, false]);
    });

    test('a generic interface as instantiated in the signature', () =>
    {
        expect(definition('domain.types.Page_string')?.properties?.items).toEqual({ type: 'array', items: { type: 'string' } });
    });

    test('a generic instantiated with a class refers to the class', () =>
    {
        expect(accepts('domain/generic', 'page', { items: [new Person('a')], total: 1 }, { items: [{ name: 'a' }], total: 1 })).toEqual([true, false]);
    });

    test('a constrained type parameter is described by its constraint', () =>
    {
        expect(schemaOf('domain/constrained', 'value')).toEqual({ type: 'string' });
    });
});

describe('intersections, unknown and any', () =>
{
    test('an intersection of object types is one object', () =>
    {
        expect(accepts('domain/intersection', 'value', { name: 'a', age: 1 }, { name: 'a' })).toEqual([true, false]);
    });

    test('a branded primitive is the primitive', () =>
    {
        expect(schemaOf('domain/intersection', 'id')).toEqual({ type: 'string' });
    });

    test('unknown and any accept anything', () =>
    {
        expect([schemaOf('domain/anything', 'value'), schemaOf('domain/anything', 'loose')]).toEqual([{}, {}]);
    });
});

describe('built-in classes', () =>
{
    test.each([
        ['date', 'Date'], ['url', 'URL'], ['pattern', 'RegExp'], ['bytes', 'Uint8Array'], ['floats', 'Float64Array'], ['error', 'Error']
    ])('%s is a %s', (name, type) =>
    {
        expect(schemaOf('domain/builtins', name)).toEqual({ jitarType: type });
    });

    test('a Date accepts a Date and refuses a string', () =>
    {
        expect(accepts('domain/builtins', 'date', new Date(), '2024-01-01')).toEqual([true, false]);
    });

    test('a Map checks its keys and values', () =>
    {
        expect(accepts('domain/builtins', 'map', new Map([['a', 1]]), new Map([['a', 'x']]), { a: 1 })).toEqual([true, false, false]);
    });

    test('a Set checks its items', () =>
    {
        expect(accepts('domain/builtins', 'set', new Set([new Date()]), new Set(['x']))).toEqual([true, false]);
    });

    test('a ReadonlyMap is a Map', () =>
    {
        expect(schemaOf('domain/moreShapes', 'lookup')).toEqual({ jitarType: 'Map', jitarKeys: { type: 'number' }, jitarItems: { type: 'string' } });
    });

    test('a Buffer', () =>
    {
        expect(accepts('domain/withBuffer', 'buffer', Buffer.from('a'), new Uint8Array(1))).toEqual([true, false]);
    });
});

describe('registered classes', () =>
{
    test('a class parameter refers to the class key', () =>
    {
        expect(schemaOf('domain/order/placeOrder', 'person')).toEqual({ jitarClass: 'domain/Person' });
    });

    test('only an instance of the class passes', () =>
    {
        expect(accepts('domain/order/placeOrder', 'person', new Person('a'), { name: 'a' })).toEqual([true, false]);
    });
});

describe('the whole manifest', () =>
{
    test('every parameter and result schema compiles in strict mode', () =>
    {
        const schemas = manifest.procedures.flatMap(procedure => [procedure.result, ...procedure.parameters.flatMap(parameter => parameter.names.map(name => name.schema))]);
        const failures = schemas.filter(schema =>
        {
            try
            {
                ajv.compile({ ...schema, $defs: manifest.$defs });
                return false;
            }
            catch
            {
                return true;
            }
        });
        expect(failures).toEqual([]);
    });
});
