import { InvalidSerialization } from '../errors.js';
import { decodeBase64 } from './base64.js';
import { AGGREGATE_ERROR_TYPE, ARRAY_BUFFER_TYPE, ERROR_TYPES, MAX_BIGINT_DIGITS, TYPED_ARRAYS, bufferApi, parseIsoDate, tooManyDigits, type TypedArray } from './builtins.js';
import { className, type ClassResolver, type RegisteredClass } from './class-resolver.js';
import { constructorName, define, FORBIDDEN_KEYS, isPlainPrototype, maxDepthOf, messageOf, type DeserializeOptions } from './encoding.js';
import { childPath, formatPath, rootPath, type ValuePath } from './path.js';

/** Serialized values (encoding.ts) back to values: built-ins and registered classes rebuilt, nothing else. */

const BUILT_IN_NAMES = ['Map', 'Set', 'Date', 'Url', 'BigInt', 'RegExp', 'TypedArray', 'Buffer', 'Error'] as const;

type BuiltInName = typeof BUILT_IN_NAMES[number];

const INTEGER = /^-?\d+$/;
const REGEXP_FLAGS = /^[dgimsuvy]{0,8}$/;
const ARRAY_INDEX = /^(0|[1-9]\d{0,8})$/;

function describeType(value: unknown): string
{
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'object') return 'an object';
    return `a ${typeof value}`;
}

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
        // A key names an app class, and so does a source (the documented form, ClassForm `seed`), except beside a RegExp's
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

    /** The constructor arguments: a list (the documented form, ClassForm `seed`) or an object with index keys (the newer form). */
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
