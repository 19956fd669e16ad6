import type { ClassManifest, ClassMemberManifest } from '../../runtime/manifest.js';
import { BadRequest, InvalidSerialization, NotFound, NotImplemented, ProcedureNotFound, Teapot, Unauthorized, type JitarError } from '../../runtime/errors.js';
import { createClassResolver, type ClassConstructor, type ClassResolver } from '../../runtime/serialization/class-resolver.js';
import { deserialize } from '../../runtime/serialization/deserializer.js';
import { serialize } from '../../runtime/serialization/serializer.js';
import { analyseFixture } from '../transformer/fixture-apps.js';
import { Person as ShowcasePerson } from '../fixtures/apps/showcase/src/domain/Person.js';
import { Address as ShowcaseAddress } from '../fixtures/apps/showcase/src/domain/Address.js';
import { OrderError } from '../fixtures/apps/showcase/src/domain/order/OrderError.js';

// ---------------------------------------------------------------------------------------------------------
// The app's classes, and their manifest entries as jitar-compile writes them

/** The seed's Person: immutable, private fields read back through getters. */
class Person
{
    #name: string;
    #age: number;

    constructor(name: string, age: number)
    {
        this.#name = name;
        this.#age = age;
    }

    get name(): string { return this.#name; }
    get age(): number { return this.#age; }
}

/** Registered subclass with a field of its own. */
class VipPerson extends Person
{
    level = 1;
}

/** Not registered: travels as its nearest registered ancestor. */
class Employee extends Person
{
    employer = 'ACME';
}

class Address
{
    note = '';
    #tags: string[] = [];

    constructor(readonly street: string, readonly city: string, readonly country = 'NL') {}

    get tags(): string[] { return this.#tags; }
    set tags(tags: string[]) { this.#tags = [...tags]; }
}

class Household
{
    constructor(readonly members: Person[], readonly addresses: Map<string, Address>) {}
}

class OutOfStock extends Error
{
    constructor(message: string, readonly productId: number)
    {
        super(message);
        this.name = 'OutOfStock';
    }
}

/** Its constructor checks its input, as app classes do. */
class Percentage
{
    constructor(readonly value: number)
    {
        if (typeof value !== 'number' || value < 0 || value > 100) throw new RangeError(`Not a percentage: ${String(value)}`);
    }
}

/** A member that the manifest calls writable but that the loaded class cannot set. */
class Frozen
{
    constructor(readonly id: number)
    {
        Object.freeze(this);
    }
}

class Unregistered
{
    constructor(readonly id: number) {}
}

function member(name: string, writable = false, readable = true): ClassMemberManifest
{
    return { name, readable, writable };
}

function classManifest(key: string, file: string, exportName: string, constructorParameters: string[], members: ClassMemberManifest[], parent?: string): ClassManifest
{
    const manifest: ClassManifest = {
        key, module: file.replace(/\.ts$/, ''), file, exportName, registration: 'segment', segments: ['app'],
        constructorParameters, members, position: { line: 1, column: 1 }
    };
    if (parent !== undefined) manifest.extends = parent;
    return manifest;
}

const CLASSES: ClassManifest[] = [
    classManifest('domain/Person', 'domain/Person.ts', 'Person', ['name', 'age'], [member('name'), member('age')]),
    classManifest('domain/VipPerson', 'domain/VipPerson.ts', 'VipPerson', ['name', 'age'], [member('level', true), member('name'), member('age')], 'domain/Person'),
    classManifest('domain/Address', 'domain/Address.ts', 'Address', ['street', 'city', 'country'],
        [member('note', true), member('tags', true), member('street'), member('city'), member('country')]),
    classManifest('domain/Household', 'domain/Household.ts', 'Household', ['members', 'addresses'], [member('members'), member('addresses')]),
    classManifest('domain/OutOfStock', 'domain/errors.ts', 'OutOfStock', ['message', 'productId'],
        [member('productId'), member('name', true), member('message', true), member('stack', true), member('cause', true)]),
    classManifest('domain/Percentage', 'domain/Percentage.ts', 'Percentage', ['value'], [member('value')]),
    classManifest('domain/Frozen', 'domain/Frozen.ts', 'Frozen', ['id'], [member('id'), member('label', true)]),
    classManifest('shop/default', 'shop/index.ts', 'default', [], [])
];

const CONSTRUCTORS = new Map<string, ClassConstructor>([
    ['domain/Person', Person], ['domain/VipPerson', VipPerson], ['domain/Address', Address], ['domain/Household', Household],
    ['domain/OutOfStock', OutOfStock], ['domain/Percentage', Percentage], ['domain/Frozen', Frozen]
]);

const resolver: ClassResolver = createClassResolver(CLASSES, CONSTRUCTORS);

/** What the other side gets: the serialized value, through JSON text. */
function wire(value: unknown, options?: Parameters<typeof serialize>[2]): unknown
{
    const serialized = serialize(value, resolver, options);
    return serialized === undefined ? undefined : JSON.parse(JSON.stringify(serialized)) as unknown;
}

function roundTrip<T>(value: T, options?: Parameters<typeof serialize>[2]): T
{
    return deserialize(wire(value, options), resolver) as T;
}

/** The InvalidSerialization that `action` throws. */
function failure(action: () => unknown): InvalidSerialization
{
    try
    {
        action();
    }
    catch (error)
    {
        if (error instanceof InvalidSerialization) return error;
        throw error;
    }
    throw new Error('expected an InvalidSerialization, nothing was thrown');
}

function deserializeJson(json: string, path?: string): unknown
{
    return deserialize(JSON.parse(json), resolver, path === undefined ? {} : { path });
}

// ---------------------------------------------------------------------------------------------------------

describe('class resolver', () =>
{
    it('finds the exact class, else the nearest registered ancestor, else none', () =>
    {
        expect(resolver.keyOf(new Person('a', 1))).toBe('domain/Person');
        expect(resolver.keyOf(new VipPerson('a', 1))).toBe('domain/VipPerson');
        expect(resolver.keyOf(new Employee('a', 1))).toBe('domain/Person');
        expect(resolver.keyOf(new Unregistered(1))).toBeUndefined();
        expect(resolver.keyOf({})).toBeUndefined();
    });

    it('gets a class by key, with its constructor and manifest', () =>
    {
        const registered = resolver.get('domain/Address');
        expect(registered?.constructor).toBe(Address);
        expect(registered?.manifest.constructorParameters).toEqual(['street', 'city', 'country']);
        expect(resolver.get('domain/Nobody')).toBeUndefined();
        expect(resolver.get('toString')).toBeUndefined();
        expect(resolver.get('shop/default')).toBeUndefined(); // in the manifest, but not loaded
    });

    it('finds a key from the seed\'s name and source', () =>
    {
        expect(resolver.keyFromSource('Person', 'domain/Person.js')).toBe('domain/Person');
        expect(resolver.keyFromSource('Person', './domain/Person.ts')).toBe('domain/Person');
        expect(resolver.keyFromSource('OutOfStock', 'domain/errors.js')).toBe('domain/OutOfStock');
        expect(resolver.keyFromSource('Person', 'domain/VipPerson.js')).toBeUndefined();
        expect(resolver.keyFromSource('Object', 'domain/Person.js')).toBeUndefined();
    });
});

describe('JSON values', () =>
{
    it('walks plain objects and arrays, dropping undefined properties like JSON does', () =>
    {
        const value = { a: 1, b: 'x', c: true, d: null, e: undefined, f: [1, undefined, NaN, { g: [] }], h: { i: {} } };
        expect(serialize(value, resolver)).toEqual({ a: 1, b: 'x', c: true, d: null, f: [1, null, null, { g: [] }], h: { i: {} } });
        expect(roundTrip(value)).toEqual({ a: 1, b: 'x', c: true, d: null, f: [1, null, null, { g: [] }], h: { i: {} } });
        expect(serialize(undefined, resolver)).toBeUndefined();
        expect(deserialize(undefined, resolver)).toBeUndefined();
        expect(roundTrip('text')).toBe('text');
    });

    it('serializes objects without a prototype as plain objects, and rebuilds ordinary ones', () =>
    {
        const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
        expect(serialize(bare, resolver)).toEqual({ a: 1 });
        const back = roundTrip(bare);
        expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    });

    it('leaves objects whose "serialized" is not true alone', () =>
    {
        expect(deserializeJson('{"serialized": "yes", "name": "Date", "value": 1}')).toEqual({ serialized: 'yes', name: 'Date', value: 1 });
        expect(deserializeJson('[{"serialized": false}]')).toEqual([{ serialized: false }]);
    });
});

describe('built-in formats', () =>
{
    it('Map', () =>
    {
        const map = new Map<unknown, unknown>([['a', 1], [2, new Date('2024-01-02T03:04:05.000Z')], [true, new Map([['x', null]])]]);
        expect(wire(map)).toEqual({
            serialized: true, name: 'Map',
            entries: {
                keys: ['a', 2, true],
                values: [1, { serialized: true, name: 'Date', value: '2024-01-02T03:04:05.000Z' }, { serialized: true, name: 'Map', entries: { keys: ['x'], values: [null] } }]
            }
        });
        const back = roundTrip(map);
        expect(back).toBeInstanceOf(Map);
        expect(back).toEqual(map);
        expect(back.get(2)).toBeInstanceOf(Date);
    });

    it('Set', () =>
    {
        const set = new Set<unknown>([1, 'two', 3n]);
        expect(wire(set)).toEqual({ serialized: true, name: 'Set', values: [1, 'two', { serialized: true, name: 'BigInt', value: '3' }] });
        const back = roundTrip(set);
        expect(back).toBeInstanceOf(Set);
        expect([...back]).toEqual([1, 'two', 3n]);
    });

    it('Date', () =>
    {
        const date = new Date(Date.UTC(2020, 1, 29, 12, 30, 15, 123));
        expect(wire(date)).toEqual({ serialized: true, name: 'Date', value: '2020-02-29T12:30:15.123Z' });
        const back = roundTrip(date);
        expect(back).toBeInstanceOf(Date);
        expect(back.getTime()).toBe(date.getTime());
        expect((deserializeJson('{"serialized":true,"name":"Date","value":"2020-02-29"}') as Date).toISOString()).toBe('2020-02-29T00:00:00.000Z');
    });

    it('Url', () =>
    {
        const url = new URL('https://example.com:8080/a/b?c=d#e');
        expect(wire(url)).toEqual({ serialized: true, name: 'Url', value: 'https://example.com:8080/a/b?c=d#e' });
        const back = roundTrip(url);
        expect(back).toBeInstanceOf(URL);
        expect(back.href).toBe(url.href);
    });

    it('BigInt', () =>
    {
        const big = -(2n ** 100n);
        expect(wire(big)).toEqual({ serialized: true, name: 'BigInt', value: '-1267650600228229401496703205376' });
        expect(roundTrip(big)).toBe(big);
        expect(roundTrip({ count: 0n })).toEqual({ count: 0n });
    });

    it('RegExp', () =>
    {
        const pattern = /^a(b+)\/c$/giu;
        expect(wire(pattern)).toEqual({ serialized: true, name: 'RegExp', source: '^a(b+)\\/c$', flags: 'giu' });
        const back = roundTrip(pattern);
        expect(back).toBeInstanceOf(RegExp);
        expect(back.source).toBe(pattern.source);
        expect(back.flags).toBe('giu');
        expect(back.test('ABB/C')).toBe(true);
    });

    it('TypedArray', () =>
    {
        const bytes = new Uint8Array([0, 1, 254, 255]);
        expect(wire(bytes)).toEqual({ serialized: true, name: 'TypedArray', type: 'Uint8Array', bytes: [0, 1, 254, 255] });
        const back = roundTrip(bytes);
        expect(back).toBeInstanceOf(Uint8Array);
        expect([...back]).toEqual([0, 1, 254, 255]);

        for (const array of [new Int8Array([-1, 2]), new Uint8ClampedArray([3]), new Int16Array([-300, 7]), new Uint16Array([65535]),
            new Int32Array([-5]), new Uint32Array([4e9]), new Float32Array([1.5]), new Float64Array([Math.PI, -0.1]),
            new BigInt64Array([-5n]), new BigUint64Array([2n ** 64n - 1n])])
        {
            const copy = roundTrip(array);
            expect(copy.constructor).toBe(array.constructor);
            expect([...copy]).toEqual([...array]);
        }
        expect(wire(new Int16Array([1, -1]))).toEqual({ serialized: true, name: 'TypedArray', type: 'Int16Array', bytes: [1, 0, 255, 255] });
    });

    it('TypedArray: a subarray serializes only its own bytes', () =>
    {
        const whole = new Uint8Array([10, 11, 12, 13, 14, 15, 16, 17]);
        expect(wire(whole.subarray(2, 5))).toEqual({ serialized: true, name: 'TypedArray', type: 'Uint8Array', bytes: [12, 13, 14] });

        const view = new Int16Array(whole.buffer, 2, 2);
        const back = roundTrip(view);
        expect(back.byteOffset).toBe(0);
        expect(back.length).toBe(2);
        expect([...back]).toEqual([...view]);
    });

    it('ArrayBuffer travels in the TypedArray form', () =>
    {
        const buffer = new Uint8Array([1, 2, 3]).buffer;
        expect(wire(buffer)).toEqual({ serialized: true, name: 'TypedArray', type: 'ArrayBuffer', bytes: [1, 2, 3] });
        const back = roundTrip(buffer);
        expect(back).toBeInstanceOf(ArrayBuffer);
        expect([...new Uint8Array(back)]).toEqual([1, 2, 3]);
    });

    it('Buffer, where Node has one', () =>
    {
        const buffer = Buffer.from('hello, wire');
        expect(wire(buffer)).toEqual({ serialized: true, name: 'Buffer', base64: 'aGVsbG8sIHdpcmU=' });
        const back = roundTrip(buffer);
        expect(Buffer.isBuffer(back)).toBe(true);
        expect(back.toString()).toBe('hello, wire');
        expect(roundTrip(Buffer.alloc(0)).length).toBe(0);
        // A Buffer that is a slice of a larger pool still carries only its bytes.
        expect(wire(Buffer.from('abcdef').subarray(1, 3))).toEqual({ serialized: true, name: 'Buffer', base64: 'YmM=' });
    });

    it('Buffer, where there is none (a browser): a Uint8Array', () =>
    {
        const global = globalThis as { Buffer?: unknown };
        const saved = global.Buffer;
        const json = '{"serialized": true, "name": "Buffer", "base64": "AAEC/w=="}';
        try
        {
            delete global.Buffer;
            const back = deserializeJson(json) as Uint8Array;
            expect(Object.getPrototypeOf(back)).toBe(Uint8Array.prototype);
            expect([...back]).toEqual([0, 1, 2, 255]);
            for (const [text, bytes] of [['', []], ['Zg==', [102]], ['Zm8=', [102, 111]], ['Zm9v', [102, 111, 111]], ['+/8=', [251, 255]]] as const)
            {
                expect([...deserialize({ serialized: true, name: 'Buffer', base64: text }, resolver) as Uint8Array]).toEqual(bytes);
            }
            // Without Buffer, a Uint8Array is a Uint8Array.
            expect(wire(new Uint8Array([1]))).toEqual({ serialized: true, name: 'TypedArray', type: 'Uint8Array', bytes: [1] });
        }
        finally
        {
            global.Buffer = saved;
        }
        expect(Buffer.isBuffer(deserializeJson(json))).toBe(true);
    });

    it('Error, for built-in errors', () =>
    {
        const error = new TypeError('bad type', { cause: new RangeError('too far') });
        expect(wire(error)).toEqual({
            serialized: true, name: 'Error', type: 'TypeError', message: 'bad type',
            cause: { serialized: true, name: 'Error', type: 'RangeError', message: 'too far' }
        });
        const back = roundTrip(error);
        expect(back).toBeInstanceOf(TypeError);
        expect(back.message).toBe('bad type');
        expect(back.cause).toBeInstanceOf(RangeError);
        expect((back.cause as Error).message).toBe('too far');

        for (const type of [Error, SyntaxError, ReferenceError, EvalError, URIError])
        {
            const copy = roundTrip(new type('m'));
            expect(copy.constructor).toBe(type);
            expect(copy.message).toBe('m');
        }
        expect(roundTrip(new Error('plain cause', { cause: { code: 42 } })).cause).toEqual({ code: 42 });
    });

    it('Error: stacks travel only when asked for', () =>
    {
        const error = new Error('with stack');
        expect(wire(error)).not.toHaveProperty('stack');
        const withStack = wire(error, { stacks: true }) as { stack: string };
        expect(withStack.stack).toBe(error.stack);
        expect((deserialize(withStack, resolver) as Error).stack).toBe(error.stack);
    });

    it('Error: an unregistered subclass travels as its nearest built-in type; an unknown type reads as Error', () =>
    {
        class LocalError extends RangeError {}
        expect(wire(new LocalError('x'))).toEqual({ serialized: true, name: 'Error', type: 'RangeError', message: 'x' });
        const unknown = deserializeJson('{"serialized": true, "name": "Error", "type": "Function", "message": "m"}') as Error;
        expect(unknown.constructor).toBe(Error);
        expect(unknown.message).toBe('m');
    });

    it('Error: jitar\'s error classes travel as themselves, with their status; their subclasses as the nearest one', () =>
    {
        for (const [ErrorClass, status] of [[BadRequest, 400], [Unauthorized, 401], [NotFound, 404], [Teapot, 418], [NotImplemented, 501]] as const)
        {
            const back = roundTrip(new ErrorClass('why')) as JitarError;
            expect(back).toBeInstanceOf(ErrorClass);
            expect(back.message).toBe('why');
            expect(back.status).toBe(status);
        }
        expect(wire(new ProcedureNotFound('a/b', '1.0.0'))).toEqual({ serialized: true, name: 'Error', type: 'NotFound', message: 'Procedure \'a/b\' not found' });
        const refused = roundTrip(new InvalidSerialization('deserialize', 'x', 'no')) as JitarError;
        expect(refused.constructor).toBe(BadRequest);
        expect(refused.status).toBe(400);
    });

    it('Error: AggregateError keeps its errors', () =>
    {
        const error = new AggregateError([new Error('one'), new TypeError('two')], 'both');
        const serialized = wire(error) as { type: string; errors: unknown[] };
        expect(serialized.type).toBe('AggregateError');
        expect(serialized.errors).toHaveLength(2);
        const back = roundTrip(error);
        expect(back).toBeInstanceOf(AggregateError);
        expect(back.message).toBe('both');
        expect(back.errors[1]).toBeInstanceOf(TypeError);
    });
});

describe('class instances', () =>
{
    it('the seed\'s Person, with private fields and getters: the reference\'s form, or the seed\'s when asked', () =>
    {
        const person = new Person('John', 42);
        expect(JSON.stringify(person)).toBe('{}');
        expect(wire(person)).toEqual({ serialized: true, key: 'domain/Person', name: 'class', args: { 0: 'John', 1: 42 }, fields: {} });
        expect(wire(person, { classForm: 'seed' })).toEqual({ serialized: true, name: 'Person', source: 'domain/Person.js', args: ['John', 42], fields: {} });
        expect(roundTrip(person, { classForm: 'seed' })).toBeInstanceOf(Person);

        const back = roundTrip(person);
        expect(back).toBeInstanceOf(Person);
        expect(back.name).toBe('John');
        expect(back.age).toBe(42);
    });

    it('accepts the seed\'s form without a key (name and source)', () =>
    {
        const person = deserializeJson('{"serialized": true, "name": "Person", "source": "domain/Person.js", "args": ["John", 42], "fields": {}}');
        expect(person).toBeInstanceOf(Person);
        expect((person as Person).name).toBe('John');
    });

    it('accepts the newer reference form (args keyed by index)', () =>
    {
        const person = deserializeJson('{"serialized":true,"key":"domain/Person","name":"class","args":{"1":42,"0":"John"},"fields":{}}') as Person;
        expect(person).toBeInstanceOf(Person);
        expect([person.name, person.age]).toEqual(['John', 42]);

        // A missing index is an absent argument, so that its default applies.
        const address = deserializeJson('{"serialized":true,"key":"domain/Address","name":"class","args":{"0":"Main St 1","1":"Utrecht"}}') as Address;
        expect(address.country).toBe('NL');
    });

    it('lets the key win over name and source', () =>
    {
        const value = deserializeJson('{"serialized":true,"key":"domain/VipPerson","name":"Person","source":"domain/Person.js","args":["Ann",30],"fields":{"level":3}}');
        expect(value).toBeInstanceOf(VipPerson);
        expect((value as VipPerson).level).toBe(3);
    });

    it('sends constructor arguments and writable fields (setters included), in both directions', () =>
    {
        const address = new Address('Main St 1', 'Utrecht');
        address.note = 'back door';
        address.tags = ['home'];
        expect(wire(address)).toEqual({
            serialized: true, key: 'domain/Address', name: 'class',
            args: { 0: 'Main St 1', 1: 'Utrecht', 2: 'NL' }, fields: { note: 'back door', tags: ['home'] }
        });
        const back = roundTrip(address);
        expect(back).toBeInstanceOf(Address);
        expect([back.street, back.city, back.country, back.note, back.tags]).toEqual(['Main St 1', 'Utrecht', 'NL', 'back door', ['home']]);
    });

    it('nests classes in arrays, Maps and other classes', () =>
    {
        const household = new Household(
            [new Person('Ann', 40), new VipPerson('Bob', 41)],
            new Map([['home', new Address('Main St 1', 'Utrecht')], ['work', new Address('Dam 1', 'Amsterdam')]]));
        const value = { households: [household], byOwner: new Map<Person, Set<Address>>([[household.members[0], new Set([household.addresses.get('home') as Address])]]) };

        const back = roundTrip(value);
        const [copy] = back.households;
        expect(copy).toBeInstanceOf(Household);
        expect(copy.members[0]).toBeInstanceOf(Person);
        expect(copy.members[1]).toBeInstanceOf(VipPerson);
        expect(copy.members.map(person => person.name)).toEqual(['Ann', 'Bob']);
        expect(copy.addresses.get('work')).toBeInstanceOf(Address);
        expect(copy.addresses.get('work')?.city).toBe('Amsterdam');
        const [[owner, addresses]] = [...back.byOwner];
        expect(owner).toBeInstanceOf(Person);
        expect([...addresses][0]).toBeInstanceOf(Address);
    });

    it('sends a registered subclass as itself, an unregistered one as its nearest registered ancestor', () =>
    {
        const vip = new VipPerson('Vic', 50);
        vip.level = 2;
        expect(wire(vip)).toEqual({ serialized: true, key: 'domain/VipPerson', name: 'class', args: { 0: 'Vic', 1: 50 }, fields: { level: 2 } });
        expect(roundTrip(vip)).toBeInstanceOf(VipPerson);

        const employee = new Employee('Eve', 30);
        expect(wire(employee)).toEqual({ serialized: true, key: 'domain/Person', name: 'class', args: { 0: 'Eve', 1: 30 }, fields: {} });
        const back = roundTrip(employee);
        expect(back.constructor).toBe(Person);
        expect(back.name).toBe('Eve');
    });

    it('round-trips a registered Error subclass as that class, with its message', () =>
    {
        const error = new OutOfStock('No more chairs', 7);
        const serialized = wire(error) as Record<string, unknown>;
        expect(serialized).toEqual({
            serialized: true, key: 'domain/OutOfStock', name: 'class',
            args: { 0: 'No more chairs', 1: 7 }, fields: { name: 'OutOfStock' }
        });
        const back = roundTrip(error);
        expect(back).toBeInstanceOf(OutOfStock);
        expect(back).toBeInstanceOf(Error);
        expect(back.message).toBe('No more chairs');
        expect(back.productId).toBe(7);
        expect(back.name).toBe('OutOfStock');

        expect(wire(new OutOfStock('x', 1), { stacks: true })).toHaveProperty('fields.stack');
        const withCause = new OutOfStock('x', 1);
        withCause.cause = new Person('Ann', 3);
        expect(roundTrip(withCause).cause).toBeInstanceOf(Person);
    });

    it('works with the manifest that jitar-compile writes for the showcase app', () =>
    {
        const { manifest } = analyseFixture('showcase');
        const showcase = createClassResolver(manifest.classes, new Map<string, ClassConstructor>([
            ['domain/Person', ShowcasePerson], ['domain/Address', ShowcaseAddress], ['domain/order/OrderError', OrderError]
        ]));
        const through = <T>(value: T): T => deserialize(JSON.parse(JSON.stringify(serialize(value, showcase))), showcase) as T;

        const address = new ShowcaseAddress('Main St 1', 'Utrecht');
        address.note = 'n';
        expect(serialize(address, showcase)).toEqual({
            serialized: true, key: 'domain/Address', name: 'class', args: { 0: 'Main St 1', 1: 'Utrecht' }, fields: { note: 'n' }
        });
        expect(serialize(address, showcase, { classForm: 'seed' })).toEqual({
            serialized: true, name: 'Address', source: 'domain/Address.js', args: ['Main St 1', 'Utrecht'], fields: { note: 'n' }
        });
        expect(through(address).format()).toBe('Main St 1, Utrecht');
        expect(through(new ShowcasePerson('John', 42)).name).toBe('John');

        const error = through(new OrderError('Out of stock', 12));
        expect(error).toBeInstanceOf(OrderError);
        expect([error.message, error.orderId]).toEqual(['Out of stock', 12]);

        const seed = deserialize(JSON.parse('{"serialized": true, "name": "Person", "source": "domain/Person.js", "args": ["John", 42], "fields": { }}'), showcase);
        expect(seed).toBeInstanceOf(ShowcasePerson);
    });
});

describe('safety', () =>
{
    it('throws one error class, a BadRequest whose message names the path', () =>
    {
        const error = failure(() => deserializeJson('{"address": [1, 2, {"serialized": true, "name": "Date", "value": 5}]}', 'person'));
        expect(error).toBeInstanceOf(BadRequest);
        expect(error.status).toBe(400);
        expect(error.path).toBe('person.address[2].value');
        expect(error.message).toBe('Cannot deserialize person.address[2].value: a Date\'s value must be a string, not a number');

        expect(failure(() => serialize({ list: [{ 'odd key': [() => 1] }] }, resolver, { path: 'input' })).path).toBe('input.list[0]["odd key"][0]');
    });

    describe('only registered classes and the built-ins are rebuilt', () =>
    {
        it.each([
            ['an unknown key', '{"serialized": true, "key": "domain/Nobody", "name": "class", "args": []}', 'value.key', /unknown class 'domain\/Nobody'/],
            ['a key of Object.prototype', '{"serialized": true, "key": "toString", "args": []}', 'value.key', /unknown class 'toString'/],
            ['a global by name and source', '{"serialized": true, "name": "Function", "source": "globalThis.js", "args": ["return 1"]}', 'value', /unknown class 'Function'/],
            ['a registered name from another module', '{"serialized": true, "name": "Person", "source": "node:child_process", "args": []}', 'value', /unknown class 'Person'/],
            ['a class in the manifest that is not loaded', '{"serialized": true, "key": "shop/default", "args": []}', 'value.key', /unknown class/],
            ['an unknown built-in', '{"serialized": true, "name": "Function", "value": "return 1"}', 'value.name', /unknown serialized type 'Function'/],
            ['a built-in that is not on the list', '{"serialized": true, "name": "Promise"}', 'value.name', /unknown serialized type/],
            ['no name', '{"serialized": true}', 'value.name', /needs a name/],
            ['a key that is not a string', '{"serialized": true, "key": 5}', 'value.key', /must be a string/]
        ])('refuses %s', (_what, json, path, reason) =>
        {
            const error = failure(() => deserializeJson(json));
            expect(error.path).toBe(path);
            expect(error.reason).toMatch(reason);
        });
    });

    describe('refuses __proto__, constructor and prototype keys anywhere', () =>
    {
        it.each([
            ['a plain object', '{"a": {"__proto__": {"polluted": true}}}', 'value.a.__proto__'],
            ['a nested array\'s object', '[[{"constructor": {"prototype": {"polluted": true}}}]]', 'value[0][0].constructor'],
            ['a plain object, as prototype', '{"prototype": 1}', 'value.prototype'],
            ['fields', '{"serialized": true, "key": "domain/Address", "args": ["a", "b"], "fields": {"__proto__": {"polluted": true}}}', 'value.fields.__proto__'],
            ['a special value itself', '{"serialized": true, "name": "Date", "value": "2020-01-01", "__proto__": {"polluted": true}}', 'value.__proto__'],
            ['a Map\'s entries', '{"serialized": true, "name": "Map", "entries": {"keys": [], "values": [], "__proto__": {}}}', 'value.entries.__proto__'],
            ['a Map\'s keys', '{"serialized": true, "name": "Map", "entries": {"keys": ["__proto__"], "values": [1]}}', 'value.entries.keys[0]'],
            ['newer-form args', '{"serialized": true, "key": "domain/Person", "args": {"0": "a", "constructor": 1}}', 'value.args.constructor'],
            ['an Error\'s cause', '{"serialized": true, "name": "Error", "message": "m", "cause": {"__proto__": {"polluted": true}}}', 'value.cause.__proto__']
        ])('in %s', (_where, json, path) =>
        {
            const error = failure(() => deserializeJson(json));
            expect(error.path).toBe(path);
            expect(error.reason).toMatch(/the key '(__proto__|constructor|prototype)' is refused/);
            expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        });

        it('and never lets a key set a prototype', () =>
        {
            const parsed = JSON.parse('{"__proto__": {"isAdmin": true}}') as Record<string, unknown>;
            expect(Object.keys(parsed)).toEqual(['__proto__']);
            expect(failure(() => deserialize(parsed, resolver)).path).toBe('value.__proto__');
            expect(failure(() => serialize(parsed, resolver)).path).toBe('value.__proto__');
            expect(failure(() => serialize(new Map([['constructor', 1]]), resolver)).path).toBe('value.entries.keys[0]');

            const back = deserializeJson('{"a": {"b": 1}, "toString": 2, "hasOwnProperty": 3}') as Record<string, unknown>;
            expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
            expect(Object.getPrototypeOf(back.a)).toBe(Object.prototype);
            expect(back.toString).toBe(2);
        });
    });

    describe('bounds nesting', () =>
    {
        const nestedArrays = (levels: number): unknown => { let value: unknown = 0; for (let level = 0; level < levels; level++) value = [value]; return value; };
        const nestedJson = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

        it('at 64 levels by default, both ways', () =>
        {
            expect(() => serialize(nestedArrays(64), resolver)).not.toThrow();
            expect(() => deserializeJson(nestedJson(64))).not.toThrow();
            expect(failure(() => serialize(nestedArrays(65), resolver)).reason).toBe('nesting deeper than 64 levels');
            expect(failure(() => deserializeJson(nestedJson(65))).reason).toBe('nesting deeper than 64 levels');
            expect(failure(() => deserializeJson(nestedJson(65))).path).toBe(`value${'[0]'.repeat(64)}`);
        });

        it('at the bound the options give, counting Maps, Sets, instances and errors as levels', () =>
        {
            const options = { maxDepth: 2 };
            expect(() => serialize([new Map([[1, 2]])], resolver, options)).not.toThrow();
            expect(() => serialize([new Map([[1, [2]]])], resolver, options)).toThrow(InvalidSerialization);
            expect(() => serialize(new Set([new Person('a', 1)]), resolver, options)).not.toThrow();
            expect(() => serialize(new Set([new Household([], new Map())]), resolver, options)).toThrow(InvalidSerialization);
            const deepInstance = wire([new Household([], new Map())]);
            expect(() => deserialize(deepInstance, resolver, { maxDepth: 3 })).not.toThrow();
            expect(() => deserialize(deepInstance, resolver, options)).toThrow(InvalidSerialization);
            const deepError = wire(new Error('a', { cause: new Error('b', { cause: new Error('c') }) }));
            expect(() => deserialize(deepError, resolver, { maxDepth: 3 })).not.toThrow();
            expect(failure(() => deserialize(deepError, resolver, options)).path).toBe('value.cause.cause');
        });

        it('given as a whole number', () =>
        {
            expect(() => serialize([], resolver, { maxDepth: Number.NaN })).toThrow(RangeError);
            expect(() => deserialize([], resolver, { maxDepth: -1 })).toThrow(RangeError);
            expect(deserialize(1, resolver, { maxDepth: 0 })).toBe(1);
            expect(failure(() => deserialize([], resolver, { maxDepth: 0 })).reason).toBe('nesting deeper than 0 levels');
        });

        it('without overflowing the stack on very deep input', () =>
        {
            expect(failure(() => deserializeJson(nestedJson(5000))).reason).toBe('nesting deeper than 64 levels');
            expect(failure(() => serialize(nestedArrays(100000), resolver)).reason).toBe('nesting deeper than 64 levels');
            let deep: unknown = { serialized: true, name: 'Set', values: [] };
            for (let level = 0; level < 5000; level++) deep = { serialized: true, name: 'Set', values: [deep] };
            expect(failure(() => deserialize(deep, resolver)).reason).toBe('nesting deeper than 64 levels');
        });

        it('and names a cycle as a cycle', () =>
        {
            const person: Record<string, unknown> = { name: 'Ann', friends: [] };
            (person.friends as unknown[]).push({ best: person });
            const error = failure(() => serialize(person, resolver, { path: 'person' }));
            expect(error.path).toBe('person.friends[0].best');
            expect(error.reason).toMatch(/contains itself/);

            const map = new Map<string, unknown>();
            map.set('self', map);
            expect(failure(() => serialize(map, resolver)).reason).toMatch(/contains itself/);

            // Shared, acyclic references are fine (and arrive as copies, as with JSON).
            const shared = { n: 1 };
            expect(roundTrip([shared, shared])).toEqual([{ n: 1 }, { n: 1 }]);
        });
    });

    describe('refuses malformed special values, naming the path', () =>
    {
        it.each([
            ['{"serialized":true,"name":"Date","value":123}', 'value.value', /must be a string/],
            ['{"serialized":true,"name":"Date","value":"yesterday"}', 'value.value', /ISO 8601/],
            ['{"serialized":true,"name":"Date","value":"2020-13-45"}', 'value.value', /ISO 8601/],
            ['{"serialized":true,"name":"Date"}', 'value.value', /must be a string, not a undefined/],
            ['{"serialized":true,"name":"Url","value":"not a url"}', 'value.value', /absolute URL/],
            ['{"serialized":true,"name":"Url","value":null}', 'value.value', /must be a string, not null/],
            ['{"serialized":true,"name":"BigInt","value":"1.5"}', 'value.value', /integer/],
            ['{"serialized":true,"name":"BigInt","value":"0x10"}', 'value.value', /integer/],
            ['{"serialized":true,"name":"BigInt","value":12}', 'value.value', /must be a string/],
            ['{"serialized":true,"name":"RegExp","source":"(","flags":""}', 'value.source', /invalid regular expression/],
            ['{"serialized":true,"name":"RegExp","source":"a","flags":"gg"}', 'value.flags', /RegExp flags/],
            ['{"serialized":true,"name":"RegExp","source":"a","flags":"x"}', 'value.flags', /RegExp flags/],
            ['{"serialized":true,"name":"TypedArray","type":"Uint8Array","bytes":[1,256]}', 'value.bytes[1]', /from 0 to 255, not 256/],
            ['{"serialized":true,"name":"TypedArray","type":"Uint8Array","bytes":[-1]}', 'value.bytes[0]', /from 0 to 255/],
            ['{"serialized":true,"name":"TypedArray","type":"Uint8Array","bytes":[1.5]}', 'value.bytes[0]', /from 0 to 255/],
            ['{"serialized":true,"name":"TypedArray","type":"Uint8Array","bytes":["1"]}', 'value.bytes[0]', /not a string/],
            ['{"serialized":true,"name":"TypedArray","type":"Uint8Array","bytes":{"0":1}}', 'value.bytes', /must be an array/],
            ['{"serialized":true,"name":"TypedArray","type":"DataView","bytes":[]}', 'value.type', /unknown typed array type "DataView"/],
            ['{"serialized":true,"name":"TypedArray","type":"Int32Array","bytes":[1,2,3]}', 'value.bytes', /multiple of 4 bytes, not 3/],
            ['{"serialized":true,"name":"Buffer","base64":"abc"}', 'value.base64', /not well-formed/],
            ['{"serialized":true,"name":"Buffer","base64":"ab$="}', 'value.base64', /not well-formed/],
            ['{"serialized":true,"name":"Map","entries":{"keys":[1,2],"values":[1]}}', 'value.entries', /as many values as keys/],
            ['{"serialized":true,"name":"Map","entries":[]}', 'value.entries', /must be an object, not an array/],
            ['{"serialized":true,"name":"Map"}', 'value.entries', /must be an object/],
            ['{"serialized":true,"name":"Set","values":"abc"}', 'value.values', /must be an array/],
            ['{"serialized":true,"name":"Error","message":5}', 'value.message', /must be a string/],
            ['{"serialized":true,"name":"Error","type":["TypeError"]}', 'value.type', /must be a string/],
            ['{"serialized":true,"name":"Error","type":"AggregateError","errors":{}}', 'value.errors', /must be an array/]
        ])('%s', (json, path, reason) =>
        {
            const error = failure(() => deserializeJson(json));
            expect(error.path).toBe(path);
            expect(error.reason).toMatch(reason);
        });

        it.each([
            ['too many arguments', '{"serialized":true,"key":"domain/Person","args":["a",1,true]}', 'value.args', /Person takes 2 constructor arguments \(name, age\), not 3/],
            ['an argument past the constructor\'s', '{"serialized":true,"key":"domain/Person","args":{"5":1}}', 'value.args[5]', /not an argument at index 5/],
            ['a non-index argument key', '{"serialized":true,"key":"domain/Person","args":{"01":1}}', 'value.args["01"]', /keyed by their index/],
            ['args of the wrong type', '{"serialized":true,"key":"domain/Person","args":"John"}', 'value.args', /must be an object, not a string/],
            ['fields of the wrong type', '{"serialized":true,"key":"domain/Address","args":["a","b"],"fields":[1]}', 'value.fields', /must be an object, not an array/],
            ['an unknown field', '{"serialized":true,"key":"domain/Address","args":["a","b"],"fields":{"isAdmin":true}}', 'value.fields.isAdmin', /'isAdmin' is not a writable field of class Address/],
            ['a read-only member as a field', '{"serialized":true,"key":"domain/Address","args":["a","b"],"fields":{"city":"x"}}', 'value.fields.city', /not a writable field/],
            ['a constructor that refuses its arguments', '{"serialized":true,"key":"domain/Percentage","args":[120]}', 'value', /constructing Percentage failed: Not a percentage: 120/],
            ['a field the loaded class cannot set', '{"serialized":true,"key":"domain/Frozen","args":[1],"fields":{"label":"x"}}', 'value.fields.label', /setting field 'label' of Frozen failed/],
            ['a seed form without a source string', '{"serialized":true,"name":"Person","source":7}', 'value.source', /must be a string/]
        ])('class instances: %s', (_what, json, path, reason) =>
        {
            const error = failure(() => deserializeJson(json));
            expect(error.path).toBe(path);
            expect(error.reason).toMatch(reason);
        });

        it('keeps what a failing constructor threw as the cause', () =>
        {
            const error = failure(() => deserializeJson('{"serialized":true,"key":"domain/Percentage","args":[-1]}'));
            expect(error.cause).toBeInstanceOf(RangeError);
        });

        it('refuses values that JSON cannot hold', () =>
        {
            expect(failure(() => deserialize({ a: new Date() }, resolver)).reason).toBe('an instance of Date is not a JSON value');
            expect(failure(() => deserialize([() => 1], resolver)).reason).toBe('a function is not a JSON value');
            expect(failure(() => deserialize({ a: 1n }, resolver)).reason).toBe('a bigint is not a JSON value');
        });
    });

    describe('serialize refuses what cannot travel', () =>
    {
        it('instances of unregistered classes, naming the path and the class', () =>
        {
            const error = failure(() => serialize({ person: { address: [1, 2, new Unregistered(3)] } }, resolver));
            expect(error.path).toBe('value.person.address[2]');
            expect(error.reason).toBe('Instances of unregistered class Unregistered cannot be serialized');
            expect(error.message).toBe('Cannot serialize value.person.address[2]: Instances of unregistered class Unregistered cannot be serialized');

            class LocalMap extends Map {}
            expect(failure(() => serialize(new LocalMap(), resolver)).reason).toBe('Instances of unregistered class LocalMap cannot be serialized');
            expect(failure(() => serialize(new DataView(new ArrayBuffer(1)), resolver)).reason).toMatch(/unregistered class DataView/);
            expect(failure(() => serialize(Promise.resolve(1), resolver)).reason).toMatch(/unregistered class Promise/);
            expect(failure(() => serialize(new WeakMap(), resolver)).reason).toMatch(/unregistered class WeakMap/);
        });

        it('functions and symbols', () =>
        {
            expect(failure(() => serialize({ callback: function notify(): void {} }, resolver)).reason).toBe('Functions cannot be serialized (function notify)');
            expect(failure(() => serialize([Symbol('s')], resolver)).path).toBe('value[0]');
            expect(failure(() => serialize(Person, resolver)).reason).toMatch(/Functions cannot be serialized/);
        });

        it('an invalid Date, and a plain object that would read back as a special value', () =>
        {
            expect(failure(() => serialize({ when: new Date('nope') }, resolver)).path).toBe('value.when');
            expect(failure(() => serialize({ serialized: true, name: 'Date', value: '2020-01-01' }, resolver)).path).toBe('value.serialized');
        });

        it('a getter that throws, naming the member', () =>
        {
            const person = new Person('a', 1);
            Object.defineProperty(person, 'age', { get(): number { throw new Error('no age'); } });
            const error = failure(() => serialize(person, resolver, { path: 'person' }));
            expect(error.path).toBe('person.age');
            expect(error.reason).toMatch(/reading member 'age' of Person failed: no age/);
        });
    });
});

// ---------------------------------------------------------------------------------------------------------

/** A small seeded generator (mulberry32), so that a failing case can be found again. */
function random(seed: number): () => number
{
    let state = seed >>> 0;
    return (): number =>
    {
        state = state + 0x6d2b79f5 >>> 0;
        let t = state;
        t = Math.imul(t ^ t >>> 15, t | 1);
        t ^= t + Math.imul(t ^ t >>> 7, t | 61);
        return ((t ^ t >>> 14) >>> 0) / 4294967296;
    };
}

describe('fuzz', () =>
{
    const NAMES = ['Map', 'Set', 'Date', 'Url', 'BigInt', 'RegExp', 'TypedArray', 'Buffer', 'Error', 'class', 'Person', 'Object', 'Function', ''];
    const KEYS = ['serialized', 'name', 'key', 'source', 'args', 'fields', 'entries', 'keys', 'values', 'value', 'type', 'bytes', 'base64',
        'message', 'stack', 'cause', 'errors', 'source', 'flags', 'level', 'note', 'tags', '0', '1', '2', '__proto__', 'constructor', 'prototype', 'x'];
    const STRINGS = ['', 'John', '2020-01-01T00:00:00Z', 'not a date', 'https://example.com', 'x:', '123', '-5', '1e3', 'Uint8Array', 'Float64Array',
        'BigInt64Array', 'ArrayBuffer', 'AggregateError', 'TypeError', 'AAEC', 'Zg==', '(', 'a+', 'gimsuy', 'v', 'domain/Person', 'domain/Person.js',
        'domain/VipPerson', 'domain/Address', 'domain/OutOfStock', 'domain/Percentage', 'domain/Frozen', 'shop/default', 'toString', '__proto__'];

    function generate(next: () => number, depth: number): unknown
    {
        const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
        const roll = next();
        if (depth <= 0 || roll < 0.3)
        {
            const kind = Math.floor(next() * 6);
            if (kind === 0) return null;
            if (kind === 1) return next() < 0.5;
            if (kind === 2) return Math.floor(next() * 600) - 100;
            if (kind === 3) return next() * 1e6 - 5e5;
            return pick(STRINGS);
        }
        if (roll < 0.5)
        {
            const length = Math.floor(next() * 5);
            return Array.from({ length }, () => generate(next, depth - 1));
        }
        if (roll < 0.7) return nearlyValid(next, depth - 1);
        const object: Record<string, unknown> = {};
        if (roll < 0.85)
        {
            // Shaped like a special value, with random parts.
            define(object, 'serialized', next() < 0.9 ? true : generate(next, 0));
            define(object, next() < 0.3 ? 'key' : 'name', next() < 0.7 ? pick(NAMES.concat(STRINGS)) : generate(next, 0));
        }
        const count = Math.floor(next() * 5);
        for (let index = 0; index < count; index++) define(object, pick(KEYS), generate(next, depth - 1));
        return object;
    }

    /** A special value of a random kind, well-formed but for the odd part, with random values inside. */
    function nearlyValid(next: () => number, depth: number): unknown
    {
        const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
        const items = (): unknown[] => Array.from({ length: Math.floor(next() * 4) }, () => generate(next, depth));
        const bytes = (): unknown[] => Array.from({ length: Math.floor(next() * 9) }, () => next() < 0.97 ? Math.floor(next() * 256) : generate(next, 0));
        const forms: (() => Record<string, unknown>)[] = [
            () => { const keys = items(); return { name: 'Map', entries: { keys, values: next() < 0.9 ? keys.map(() => generate(next, depth)) : items() } }; },
            () => ({ name: 'Set', values: items() }),
            () => ({ name: 'Date', value: next() < 0.8 ? new Date(Math.floor(next() * 4e12)).toISOString() : pick(STRINGS) }),
            () => ({ name: 'Url', value: next() < 0.8 ? `https://example.com/${Math.floor(next() * 100)}` : pick(STRINGS) }),
            () => ({ name: 'BigInt', value: next() < 0.8 ? String(Math.floor(next() * 1e9) - 5e8) : pick(STRINGS) }),
            () => ({ name: 'RegExp', source: next() < 0.8 ? 'a(b|c)*' : pick(STRINGS), flags: next() < 0.8 ? 'gi' : pick(STRINGS) }),
            () => ({ name: 'TypedArray', type: pick(['Uint8Array', 'Int16Array', 'Float64Array', 'BigInt64Array', 'ArrayBuffer', 'Int32Array', 'Nope']), bytes: bytes() }),
            () => ({ name: 'Buffer', base64: pick(['', 'Zg==', 'Zm9v', 'AAEC/w==', 'abc', '====']) }),
            () => ({ name: 'Error', type: pick(['Error', 'TypeError', 'AggregateError', 'Nope']), message: pick(STRINGS), cause: next() < 0.5 ? generate(next, depth) : undefined, errors: next() < 0.3 ? items() : undefined }),
            () => ({ key: pick(['domain/Person', 'domain/VipPerson', 'domain/Address', 'domain/Household', 'domain/OutOfStock', 'domain/Percentage', 'domain/Frozen']),
                args: next() < 0.7 ? items() : Object.fromEntries(items().map((item, index) => [String(index), item])),
                fields: next() < 0.7 ? {} : Object.fromEntries([[pick(['level', 'note', 'tags', 'name', 'message', 'label', 'city']), generate(next, depth)]]) }),
            () => ({ name: 'Person', source: 'domain/Person.js', args: [pick(STRINGS), Math.floor(next() * 99)], fields: {} })
        ];
        const object: Record<string, unknown> = { serialized: true, ...pick(forms)() };
        if (next() < 0.2) define(object, pick(KEYS), generate(next, 0));
        return object;
    }

    /** As JSON.parse builds objects: `__proto__` is an own property. */
    function define(object: Record<string, unknown>, key: string, value: unknown): void
    {
        Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
    }

    it('either deserializes a random JSON value or throws InvalidSerialization', () =>
    {
        const next = random(20240611);
        const outcomes = { rebuilt: 0, refused: 0, reserialized: 0, special: 0 };
        for (let round = 0; round < 5000; round++)
        {
            const input = JSON.parse(JSON.stringify(generate(next, 1 + Math.floor(next() * 7)))) as unknown;
            let output: unknown;
            try
            {
                output = deserialize(input, resolver, { maxDepth: 1 + Math.floor(next() * 10) });
                outcomes.rebuilt++;
            }
            catch (error)
            {
                if (!(error instanceof InvalidSerialization)) throw new Error(`round ${round}: ${String(error)} for ${JSON.stringify(input)}`);
                outcomes.refused++;
                continue;
            }
            // What was rebuilt can be sent on (or is refused with the same error class).
            try
            {
                const again = serialize(output, resolver);
                outcomes.reserialized++;
                if (JSON.stringify(again).includes('"serialized":true')) outcomes.special++;
                // ... and what is sent on arrives as itself: one more round changes nothing.
                expect(JSON.stringify(serialize(deserialize(JSON.parse(JSON.stringify(again ?? null)), resolver), resolver))).toBe(JSON.stringify(again ?? null));
            }
            catch (error)
            {
                if (!(error instanceof InvalidSerialization)) throw new Error(`round ${round}: serialize: ${String(error)} for ${JSON.stringify(input)}`);
            }
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(outcomes.rebuilt).toBeGreaterThan(500);
        expect(outcomes.refused).toBeGreaterThan(500);
        expect(outcomes.reserialized).toBeGreaterThan(500);
    });
});
