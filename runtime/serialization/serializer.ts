import type { JsonValue } from '../manifest.js';
import { InvalidSerialization } from '../errors.js';
import { classSource, className, type ClassResolver, type RegisteredClass } from './class-resolver.js';
import { AGGREGATE_ERROR_TYPE, ARRAY_BUFFER_TYPE, ERROR_TYPES, MAX_BIGINT_DIGITS, TYPED_ARRAYS, bufferApi, errorType, parseIsoDate, tooManyDigits, typedArrayName, type TypedArray } from './builtins.js';
import { decodeBase64 } from './base64.js';
import { childPath, formatPath, rootPath, type ValuePath } from './path.js';

/**
 * The `serialized` encoding, both ways: values that JSON cannot carry (Maps, Dates, instances of the
 * app's classes, ...) become objects with `"serialized": true` and a `name`, and only those the resolver
 * registers, plus the built-ins below, are ever rebuilt. See COMPAT.md, "Serialization".
 *
 * Used by the server, the proxies and the browser client alike: no Node built-in is imported.
 */

export { createClassResolver, classSource, type ClassConstructor, type ClassResolver, type RegisteredClass } from './class-resolver.js';

export const DEFAULT_MAX_DEPTH = 64;

function maxDepthOf(options: SerializationOptions): number
{
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isSafeInteger(maxDepth) || maxDepth < 0) throw new RangeError(`maxDepth must be a whole number from 0 on, not ${String(maxDepth)}`);
    return maxDepth;
}

export interface SerializationOptions
{
    /** What error messages call the value itself, e.g. the parameter it is sent for (default `value`). */
    path?: string;
    /** How many containers (arrays, objects, Maps, Sets, instances, errors) may nest (default 64). */
    maxDepth?: number;
}

/**
 * How class instances are written. `reference`: the reference runtime's current form, `{serialized, key,
 * name: "class", args: {"0": …}, fields}`, the only one its workers, browser client and Vite plugin read.
 * `seed`: the seed's form, `{serialized, name: <class>, source: <module>, args: […], fields}`, what the
 * seed's RPC page reads. Both are read back.
 */
export type ClassForm = 'reference' | 'seed';

export interface SerializeOptions extends SerializationOptions
{
    /** Whether errors keep their stack (built-in errors and the `stack` field of registered ones). Default false: stacks stay in the process. */
    stacks?: boolean;
    /** The form of class instances (default `reference`). */
    classForm?: ClassForm;
}

export type DeserializeOptions = SerializationOptions;

/** Own keys that are never read from the wire nor written to it: they could reach a prototype. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const BUILT_IN_NAMES = ['Map', 'Set', 'Date', 'Url', 'BigInt', 'RegExp', 'TypedArray', 'Buffer', 'Error'] as const;

type BuiltInName = typeof BUILT_IN_NAMES[number];

const INTEGER = /^-?\d+$/;
const REGEXP_FLAGS = /^[dgimsuvy]{0,8}$/;
const ARRAY_INDEX = /^(0|[1-9]\d{0,8})$/;

type JsonObject = { [key: string]: JsonValue };

/**
 * Sets an own data property. Of the keys, only `__proto__` reaches a setter of Object.prototype (the one
 * that sets the prototype): that one is defined, never assigned, even though the callers refuse it.
 */
function define<T extends object>(target: T, key: string, value: unknown): T
{
    if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
    else (target as Record<string, unknown>)[key] = value;
    return target;
}

function isPlainPrototype(prototype: object | null): boolean
{
    // Object.prototype of this realm or another (whose own prototype is null), or no prototype at all.
    return prototype === null || prototype === Object.prototype || Object.getPrototypeOf(prototype) === null;
}

function describeType(value: unknown): string
{
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'object') return 'an object';
    return `a ${typeof value}`;
}

function constructorName(value: object): string
{
    const prototype: unknown = Object.getPrototypeOf(value);
    const descriptor = typeof prototype === 'object' && prototype !== null ? Object.getOwnPropertyDescriptor(prototype, 'constructor') : undefined;
    const constructor: unknown = descriptor?.value;
    const name = typeof constructor === 'function' ? constructor.name : '';
    return name === '' ? '(anonymous)' : name;
}

function messageOf(error: unknown): string
{
    return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------------------
// serialize

class Serializer
{
    readonly #resolver: ClassResolver;
    readonly #maxDepth: number;
    readonly #stacks: boolean;
    readonly #classForm: ClassForm;
    /** The containers being serialized, from the root down to the current one: a value among them is a cycle. */
    readonly #ancestors = new Set<object>();

    constructor(resolver: ClassResolver, options: SerializeOptions)
    {
        this.#resolver = resolver;
        this.#maxDepth = maxDepthOf(options);
        this.#stacks = options.stacks ?? false;
        this.#classForm = options.classForm ?? 'reference';
    }

    fail(path: ValuePath, reason: string, cause?: unknown): never
    {
        throw new InvalidSerialization('serialize', formatPath(path), reason, cause === undefined ? undefined : { cause });
    }

    value(value: unknown, path: ValuePath, depth: number): JsonValue | undefined
    {
        switch (typeof value)
        {
            case 'undefined': return undefined;
            case 'string':
            case 'boolean': return value;
            case 'number': return Number.isFinite(value) ? value : null;
            case 'bigint': return { serialized: true, name: 'BigInt', value: value.toString() };
            case 'symbol': return this.fail(path, 'Symbols cannot be serialized');
            case 'function': return this.fail(path, `Functions cannot be serialized (${value.name === '' ? 'an anonymous function' : `function ${value.name}`})`);
        }
        return typeof value === 'object' && value !== null ? this.object(value, path, depth) : null;
    }

    object(value: object, path: ValuePath, depth: number): JsonValue
    {
        if (this.#ancestors.has(value)) this.fail(path, 'the value contains itself (a cyclic structure cannot be serialized)');

        const prototype: object | null = Object.getPrototypeOf(value);
        const kind = Array.isArray(value) && Array.isArray(prototype) ? 'array' : isPlainPrototype(prototype) ? 'object' : 'other';

        if (kind === 'other')
        {
            // Leaves hold no further values, so they neither nest nor cycle.
            const leaf = this.leaf(value, prototype, path);
            if (leaf !== undefined) return leaf;
        }

        if (depth >= this.#maxDepth) this.fail(path, `nesting deeper than ${this.#maxDepth} levels`);
        this.#ancestors.add(value);
        try
        {
            if (kind === 'array') return this.array(value as unknown[], path, depth + 1);
            if (kind === 'object') return this.plainObject(value, path, depth + 1);
            return this.container(value, prototype, path, depth + 1);
        }
        finally
        {
            this.#ancestors.delete(value);
        }
    }

    leaf(value: object, prototype: object | null, path: ValuePath): JsonValue | undefined
    {
        if (prototype === Date.prototype) return this.date(value as Date, path);
        if (prototype === URL.prototype) return { serialized: true, name: 'Url', value: (value as URL).href };
        if (prototype === RegExp.prototype) return { serialized: true, name: 'RegExp', source: (value as RegExp).source, flags: (value as RegExp).flags };
        if (!ArrayBuffer.isView(value) && prototype !== ArrayBuffer.prototype) return undefined;

        if (bufferApi()?.isBuffer(value) === true) return { serialized: true, name: 'Buffer', base64: (value as Uint8Array & { toString(encoding: string): string }).toString('base64') };
        if (prototype === ArrayBuffer.prototype) return { serialized: true, name: 'TypedArray', type: ARRAY_BUFFER_TYPE, bytes: Array.from(new Uint8Array(value as ArrayBuffer)) };
        const typedArray = typedArrayName(prototype);
        return typedArray === undefined ? undefined : this.typedArray(value as TypedArray, typedArray);
    }

    /** Instances: of a registered class, of the built-in containers, or errors. */
    container(value: object, prototype: object | null, path: ValuePath, depth: number): JsonValue
    {
        const key = this.#resolver.keyOf(value);
        const registered = key === undefined ? undefined : this.#resolver.get(key);
        if (registered !== undefined) return this.instance(value, registered, path, depth);

        if (prototype === Map.prototype) return this.map(value as Map<unknown, unknown>, path, depth);
        if (prototype === Set.prototype) return this.set(value as Set<unknown>, path, depth);

        const type = errorType(value);
        if (type !== undefined) return this.error(value as Error, type, path, depth);

        return this.fail(path, `Instances of unregistered class ${constructorName(value)} cannot be serialized`);
    }

    date(value: Date, path: ValuePath): JsonValue
    {
        if (Number.isNaN(value.getTime())) this.fail(path, 'an invalid Date cannot be serialized');
        return { serialized: true, name: 'Date', value: value.toISOString() };
    }

    typedArray(value: TypedArray, type: string): JsonValue
    {
        // A view serializes only its own bytes, not the whole buffer it looks into.
        return { serialized: true, name: 'TypedArray', type, bytes: Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
    }

    array(value: unknown[], path: ValuePath, depth: number): JsonValue[]
    {
        const result: JsonValue[] = [];
        for (let index = 0; index < value.length; index++)
        {
            result.push(this.value(value[index], childPath(path, index), depth) ?? null);
        }
        return result;
    }

    plainObject(value: object, path: ValuePath, depth: number): JsonObject
    {
        const result: JsonObject = {};
        for (const key of Object.keys(value))
        {
            const keyPath = childPath(path, key);
            if (FORBIDDEN_KEYS.has(key)) this.fail(keyPath, `the key '${key}' is refused`);
            const serialized = this.value((value as Record<string, unknown>)[key], keyPath, depth);
            if (serialized !== undefined) define(result, key, serialized);
        }
        if (result.serialized === true) this.fail(childPath(path, 'serialized'), 'a plain object with "serialized": true would be read back as a serialized value');
        return result;
    }

    map(value: Map<unknown, unknown>, path: ValuePath, depth: number): JsonValue
    {
        const keys: JsonValue[] = [];
        const values: JsonValue[] = [];
        const entries = childPath(path, 'entries');
        let index = 0;
        for (const [key, item] of value)
        {
            const keyPath = childPath(childPath(entries, 'keys'), index);
            if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) this.fail(keyPath, `the key '${key}' is refused`);
            keys.push(this.value(key, keyPath, depth) ?? null);
            values.push(this.value(item, childPath(childPath(entries, 'values'), index), depth) ?? null);
            index++;
        }
        return { serialized: true, name: 'Map', entries: { keys, values } };
    }

    set(value: Set<unknown>, path: ValuePath, depth: number): JsonValue
    {
        const values: JsonValue[] = [];
        for (const item of value) values.push(this.value(item, childPath(childPath(path, 'values'), values.length), depth) ?? null);
        return { serialized: true, name: 'Set', values };
    }

    error(value: Error, type: string, path: ValuePath, depth: number): JsonValue
    {
        const result: JsonObject = { serialized: true, name: 'Error', type, message: String(value.message) };
        if (this.#stacks && typeof value.stack === 'string') result.stack = value.stack;
        const cause = this.value(value.cause, childPath(path, 'cause'), depth);
        if (cause !== undefined) result.cause = cause;
        if (type === AGGREGATE_ERROR_TYPE && Array.isArray((value as AggregateError).errors))
        {
            result.errors = this.array((value as AggregateError).errors, childPath(path, 'errors'), depth);
        }
        return result;
    }

    instance(value: object, registered: RegisteredClass, path: ValuePath, depth: number): JsonValue
    {
        const { manifest } = registered;
        const members = new Map(manifest.members.map(member => [member.name, member]));
        const read = (name: string): unknown =>
        {
            try
            {
                return (value as Record<string, unknown>)[name];
            }
            catch (error)
            {
                return this.fail(childPath(path, name), `reading member '${name}' of ${className(registered)} failed: ${messageOf(error)}`, error);
            }
        };

        const args = manifest.constructorParameters.map(name =>
            members.get(name)?.readable === true ? this.value(read(name), childPath(path, name), depth) : undefined);
        // Missing trailing arguments stay missing, so that the constructor's defaults apply.
        while (args.length > 0 && args[args.length - 1] === undefined) args.pop();

        const fields: JsonObject = {};
        for (const member of manifest.members)
        {
            if (!member.writable || manifest.constructorParameters.includes(member.name) || FORBIDDEN_KEYS.has(member.name)) continue;
            if (member.name === 'stack' && !this.#stacks && value instanceof Error) continue;
            const field = this.value(read(member.name), childPath(path, member.name), depth);
            if (field !== undefined) define(fields, member.name, field);
        }

        if (this.#classForm === 'seed')
        {
            return { serialized: true, name: className(registered), source: classSource(manifest), args: args.map(arg => arg ?? null), fields };
        }
        // By position; a missing one stays out, so that the constructor's default applies there too.
        const indexed: JsonObject = {};
        args.forEach((arg, index) => { if (arg !== undefined) indexed[String(index)] = arg; });
        return { serialized: true, key: registered.key, name: 'class', args: indexed, fields };
    }
}

/**
 * The JSON-safe form of `value` (undefined stays undefined, like JSON.stringify's). Throws
 * InvalidSerialization, naming the value's path, for what cannot travel: functions, symbols, instances of
 * unregistered classes, cycles, nesting deeper than `maxDepth`.
 */
export function serialize(value: unknown, resolver: ClassResolver, options: SerializeOptions = {}): JsonValue | undefined
{
    return new Serializer(resolver, options).value(value, rootPath(options.path ?? 'value'), 0);
}

// ---------------------------------------------------------------------------------------------------------
// deserialize

class Deserializer
{
    readonly #resolver: ClassResolver;
    readonly #maxDepth: number;

    constructor(resolver: ClassResolver, options: DeserializeOptions)
    {
        this.#resolver = resolver;
        this.#maxDepth = maxDepthOf(options);
    }

    fail(path: ValuePath, reason: string, cause?: unknown): never
    {
        throw new InvalidSerialization('deserialize', formatPath(path), reason, cause === undefined ? undefined : { cause });
    }

    value(value: unknown, path: ValuePath, depth: number): unknown
    {
        switch (typeof value)
        {
            case 'undefined':
            case 'string':
            case 'number':
            case 'boolean': return value;
            case 'object': break;
            default: return this.fail(path, `${describeType(value)} is not a JSON value`);
        }
        if (value === null) return null;

        const prototype: object | null = Object.getPrototypeOf(value);
        const isArray = Array.isArray(value) && Array.isArray(prototype);
        if (isArray)
        {
            // Only elements are walked (as JSON.stringify would), so an array's keys need no check.
            if (depth >= this.#maxDepth) this.fail(path, `nesting deeper than ${this.#maxDepth} levels`);
            return this.array(value as unknown[], path, depth + 1);
        }
        if (!isPlainPrototype(prototype)) this.fail(path, `an instance of ${constructorName(value)} is not a JSON value`);
        const object = value as Record<string, unknown>;
        this.checkKeys(object, path);

        if (object.serialized === true) return this.special(object, path, depth);

        if (depth >= this.#maxDepth) this.fail(path, `nesting deeper than ${this.#maxDepth} levels`);
        return this.plainObject(object, path, depth + 1);
    }

    checkKeys(object: object, path: ValuePath): void
    {
        for (const key of Object.keys(object))
        {
            if (FORBIDDEN_KEYS.has(key)) this.fail(childPath(path, key), `the key '${key}' is refused`);
        }
    }

    array(value: unknown[], path: ValuePath, depth: number): unknown[]
    {
        const result: unknown[] = [];
        for (let index = 0; index < value.length; index++) result.push(this.value(value[index], childPath(path, index), depth));
        return result;
    }

    plainObject(value: Record<string, unknown>, path: ValuePath, depth: number): Record<string, unknown>
    {
        const result: Record<string, unknown> = {};
        for (const key of Object.keys(value))
        {
            const item = this.value(value[key], childPath(path, key), depth);
            if (item !== undefined) define(result, key, item);
        }
        return result;
    }

    /** A list of the wire, checked to be a JSON array. */
    list(value: unknown, path: ValuePath, what: string): unknown[]
    {
        if (!Array.isArray(value) || !Array.isArray(Object.getPrototypeOf(value))) return this.fail(path, `${what} must be an array, not ${describeType(value)}`);
        return value;
    }

    /** An object of the wire, checked to be a plain JSON object with no refused key. */
    record(value: unknown, path: ValuePath, what: string): Record<string, unknown>
    {
        if (typeof value !== 'object' || value === null || Array.isArray(value) || !isPlainPrototype(Object.getPrototypeOf(value)))
        {
            return this.fail(path, `${what} must be an object, not ${describeType(value)}`);
        }
        this.checkKeys(value, path);
        return value as Record<string, unknown>;
    }

    text(value: unknown, path: ValuePath, what: string): string
    {
        return typeof value === 'string' ? value : this.fail(path, `${what} must be a string, not ${describeType(value)}`);
    }

    special(object: Record<string, unknown>, path: ValuePath, depth: number): unknown
    {
        // A key names an app class, and so does a source (the seed's form), except beside a RegExp's
        // name, whose own form has a source; anything else must be one of the built-ins.
        const name = object.name;
        if (object.key !== undefined || (object.source !== undefined && name !== 'RegExp')) return this.instance(object, path, depth);

        if (typeof name !== 'string') return this.fail(childPath(path, 'name'), `a serialized value needs a name (a string), not ${describeType(name)}`);
        if (!(BUILT_IN_NAMES as readonly string[]).includes(name))
        {
            return this.fail(childPath(path, 'name'), `unknown serialized type '${name.slice(0, 64)}' (built-ins: ${BUILT_IN_NAMES.join(', ')}; a class needs its key)`);
        }

        switch (name as BuiltInName)
        {
            case 'Date': return this.date(object, path);
            case 'Url': return this.url(object, path);
            case 'BigInt': return this.bigint(object, path);
            case 'RegExp': return this.regexp(object, path);
            case 'TypedArray': return this.typedArray(object, path);
            case 'Buffer': return this.buffer(object, path);
        }

        // Containers: they count as a level of nesting.
        if (depth >= this.#maxDepth) this.fail(path, `nesting deeper than ${this.#maxDepth} levels`);
        switch (name as BuiltInName)
        {
            case 'Map': return this.map(object, path, depth + 1);
            case 'Set': return this.set(object, path, depth + 1);
            default: return this.error(object, path, depth + 1);
        }
    }

    date(object: Record<string, unknown>, path: ValuePath): Date
    {
        const value = this.text(object.value, childPath(path, 'value'), 'a Date\'s value');
        const date = parseIsoDate(value);
        if (date === undefined) this.fail(childPath(path, 'value'), `a Date's value must be an ISO 8601 date, not ${JSON.stringify(value.slice(0, 64))}`);
        return date;
    }

    url(object: Record<string, unknown>, path: ValuePath): URL
    {
        const value = this.text(object.value, childPath(path, 'value'), 'a Url\'s value');
        try
        {
            return new URL(value);
        }
        catch
        {
            return this.fail(childPath(path, 'value'), `a Url's value must be an absolute URL, not ${JSON.stringify(value.slice(0, 64))}`);
        }
    }

    bigint(object: Record<string, unknown>, path: ValuePath): bigint
    {
        const value = this.text(object.value, childPath(path, 'value'), 'a BigInt\'s value');
        if (!INTEGER.test(value)) this.fail(childPath(path, 'value'), `a BigInt's value must be an integer in decimal digits, not ${JSON.stringify(value.slice(0, 64))}`);
        if (tooManyDigits(value)) this.fail(childPath(path, 'value'), `a BigInt's value has more than ${MAX_BIGINT_DIGITS} digits, the most that are read`);
        return BigInt(value);
    }

    regexp(object: Record<string, unknown>, path: ValuePath): RegExp
    {
        const source = this.text(object.source, childPath(path, 'source'), 'a RegExp\'s source');
        const flags = this.text(object.flags ?? '', childPath(path, 'flags'), 'a RegExp\'s flags');
        if (!REGEXP_FLAGS.test(flags) || new Set(flags).size !== flags.length) this.fail(childPath(path, 'flags'), `unknown or repeated RegExp flags ${JSON.stringify(flags.slice(0, 64))}`);
        try
        {
            return new RegExp(source, flags);
        }
        catch (error)
        {
            return this.fail(childPath(path, 'source'), `invalid regular expression: ${messageOf(error)}`);
        }
    }

    bytes(value: unknown, path: ValuePath): Uint8Array<ArrayBuffer>
    {
        const list = this.list(value, path, 'the bytes');
        const bytes = new Uint8Array(list.length);
        for (let index = 0; index < list.length; index++)
        {
            const byte = list[index];
            if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255)
            {
                this.fail(childPath(path, index), `a byte must be an integer from 0 to 255, not ${typeof byte === 'number' ? byte : describeType(byte)}`);
            }
            bytes[index] = byte;
        }
        return bytes;
    }

    typedArray(object: Record<string, unknown>, path: ValuePath): TypedArray | ArrayBuffer
    {
        const type = this.text(object.type, childPath(path, 'type'), 'a TypedArray\'s type');
        const constructor = TYPED_ARRAYS.get(type);
        if (constructor === undefined && type !== ARRAY_BUFFER_TYPE)
        {
            this.fail(childPath(path, 'type'), `unknown typed array type ${JSON.stringify(type.slice(0, 64))} (known: ${[...TYPED_ARRAYS.keys(), ARRAY_BUFFER_TYPE].join(', ')})`);
        }
        const bytes = this.bytes(object.bytes, childPath(path, 'bytes'));
        if (constructor === undefined) return bytes.buffer;
        if (bytes.length % constructor.BYTES_PER_ELEMENT !== 0)
        {
            this.fail(childPath(path, 'bytes'), `a ${type} needs a multiple of ${constructor.BYTES_PER_ELEMENT} bytes, not ${bytes.length}`);
        }
        return new constructor(bytes.buffer);
    }

    buffer(object: Record<string, unknown>, path: ValuePath): Uint8Array
    {
        const base64 = this.text(object.base64, childPath(path, 'base64'), 'a Buffer\'s base64');
        const bytes = decodeBase64(base64);
        if (bytes === undefined) return this.fail(childPath(path, 'base64'), 'a Buffer\'s base64 is not well-formed base64');
        // Where Node's Buffer exists the value is one again; elsewhere it stays a Uint8Array.
        return bufferApi()?.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) ?? bytes;
    }

    map(object: Record<string, unknown>, path: ValuePath, depth: number): Map<unknown, unknown>
    {
        const entriesPath = childPath(path, 'entries');
        const entries = this.record(object.entries, entriesPath, 'a Map\'s entries');
        const keysPath = childPath(entriesPath, 'keys');
        const valuesPath = childPath(entriesPath, 'values');
        const keys = this.list(entries.keys, keysPath, 'a Map\'s keys');
        const values = this.list(entries.values, valuesPath, 'a Map\'s values');
        if (keys.length !== values.length) this.fail(entriesPath, `a Map needs as many values as keys, not ${values.length} values for ${keys.length} keys`);

        const map = new Map<unknown, unknown>();
        for (let index = 0; index < keys.length; index++)
        {
            const key = keys[index];
            if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) this.fail(childPath(keysPath, index), `the key '${key}' is refused`);
            map.set(this.value(key, childPath(keysPath, index), depth), this.value(values[index], childPath(valuesPath, index), depth));
        }
        return map;
    }

    set(object: Record<string, unknown>, path: ValuePath, depth: number): Set<unknown>
    {
        const valuesPath = childPath(path, 'values');
        const values = this.list(object.values, valuesPath, 'a Set\'s values');
        const set = new Set<unknown>();
        values.forEach((item, index) => set.add(this.value(item, childPath(valuesPath, index), depth)));
        return set;
    }

    error(object: Record<string, unknown>, path: ValuePath, depth: number): Error
    {
        const typePath = childPath(path, 'type');
        const type = object.type === undefined ? 'Error' : this.text(object.type, typePath, 'an Error\'s type');
        const message = object.message === undefined ? '' : this.text(object.message, childPath(path, 'message'), 'an Error\'s message');
        const stack = object.stack === undefined ? undefined : this.text(object.stack, childPath(path, 'stack'), 'an Error\'s stack');
        const cause = this.value(object.cause, childPath(path, 'cause'), depth);
        const options = cause === undefined ? undefined : { cause };

        let error: Error;
        if (type === AGGREGATE_ERROR_TYPE)
        {
            const errorsPath = childPath(path, 'errors');
            const errors = object.errors === undefined ? [] : this.array(this.list(object.errors, errorsPath, 'an AggregateError\'s errors'), errorsPath, depth);
            error = new AggregateError(errors, message, options);
        }
        else
        {
            // Any other type is read as a plain Error: the type never selects a constructor outside the list.
            const constructor = ERROR_TYPES.get(type) ?? Error;
            error = new constructor(message, options);
        }
        // The sender's stack, when it sent one, tells more than the deserializer's own.
        if (stack !== undefined) Object.defineProperty(error, 'stack', { value: stack, writable: true, enumerable: false, configurable: true });
        return error;
    }

    instance(object: Record<string, unknown>, path: ValuePath, depth: number): object
    {
        const registered = this.registeredClass(object, path);
        const { manifest } = registered;
        const name = className(registered);

        if (depth >= this.#maxDepth) this.fail(path, `nesting deeper than ${this.#maxDepth} levels`);
        const args = this.args(object.args, registered, childPath(path, 'args'), depth + 1);

        const fieldsPath = childPath(path, 'fields');
        const fields = object.fields === undefined ? {} : this.record(object.fields, fieldsPath, `the fields of ${name}`);
        const values: [string, unknown][] = [];
        for (const field of Object.keys(fields))
        {
            const fieldPath = childPath(fieldsPath, field);
            const member = manifest.members.find(candidate => candidate.name === field);
            if (member?.writable !== true || manifest.constructorParameters.includes(field))
            {
                this.fail(fieldPath, `'${field.slice(0, 64)}' is not a writable field of class ${name}`);
            }
            values.push([field, this.value(fields[field], fieldPath, depth + 1)]);
        }

        let instance: object;
        try
        {
            instance = Reflect.construct(registered.constructor, args) as object;
        }
        catch (error)
        {
            return this.fail(path, `constructing ${name} failed: ${messageOf(error)}`, error);
        }
        for (const [field, value] of values)
        {
            try
            {
                (instance as Record<string, unknown>)[field] = value;
            }
            catch (error)
            {
                this.fail(childPath(fieldsPath, field), `setting field '${field}' of ${name} failed: ${messageOf(error)}`, error);
            }
        }
        return instance;
    }

    registeredClass(object: Record<string, unknown>, path: ValuePath): RegisteredClass
    {
        if (object.key !== undefined)
        {
            // The key wins over a name and source beside it.
            const key = this.text(object.key, childPath(path, 'key'), 'a class key');
            const registered = this.#resolver.get(key);
            return registered ?? this.fail(childPath(path, 'key'), `unknown class '${key.slice(0, 128)}': only registered classes are rebuilt`);
        }
        const name = this.text(object.name, childPath(path, 'name'), 'a class name');
        const source = this.text(object.source, childPath(path, 'source'), 'a class source');
        const key = this.#resolver.keyFromSource(name, source);
        const registered = key === undefined ? undefined : this.#resolver.get(key);
        return registered ?? this.fail(path, `unknown class '${name.slice(0, 64)}' of '${source.slice(0, 128)}': only registered classes are rebuilt`);
    }

    /** The constructor arguments: a list (the seed's form) or an object with index keys (the newer form). */
    args(value: unknown, registered: RegisteredClass, path: ValuePath, depth: number): unknown[]
    {
        const name = className(registered);
        const parameters = registered.manifest.constructorParameters;
        const arity = `${name} takes ${parameters.length} constructor argument${parameters.length === 1 ? '' : 's'}${parameters.length === 0 ? '' : ` (${parameters.join(', ')})`}`;

        if (value === undefined) return [];
        if (Array.isArray(value))
        {
            const list = this.list(value, path, `the constructor arguments of ${name}`);
            if (list.length > parameters.length) this.fail(path, `${arity}, not ${list.length}`);
            return this.array(list, path, depth);
        }

        const record = this.record(value, path, `the constructor arguments of ${name}`);
        const args: unknown[] = [];
        for (const key of Object.keys(record))
        {
            const index = ARRAY_INDEX.test(key) ? Number(key) : -1;
            if (index < 0) this.fail(childPath(path, key), `constructor arguments are keyed by their index (0, 1, ...), not '${key.slice(0, 64)}'`);
            if (index >= parameters.length) this.fail(childPath(path, index), `${arity}, not an argument at index ${index}`);
            args[index] = this.value(record[key], childPath(path, index), depth);
        }
        return Array.from(args);
    }
}

/**
 * The value that `serialize` gave (or a client sent): built-ins and registered classes rebuilt, plain
 * objects and arrays walked. Any JSON input either deserializes or throws InvalidSerialization, naming
 * the offending value's path.
 */
export function deserialize(value: unknown, resolver: ClassResolver, options: DeserializeOptions = {}): unknown
{
    return new Deserializer(resolver, options).value(value, rootPath(options.path ?? 'value'), 0);
}
