import type { JsonValue } from '../manifest.js';
import { InvalidSerialization } from '../errors.js';
import { AGGREGATE_ERROR_TYPE, ARRAY_BUFFER_TYPE, bufferApi, errorType, typedArrayName, type TypedArray } from './builtins.js';
import { classSource, className, type ClassResolver, type RegisteredClass } from './class-resolver.js';
import { constructorName, define, FORBIDDEN_KEYS, isPlainPrototype, maxDepthOf, messageOf, type ClassForm, type SerializeOptions } from './encoding.js';
import { childPath, formatPath, rootPath, type ValuePath } from './path.js';

/** Values to their serialized form (encoding.ts); deserializer.ts reads them back. */

type JsonObject = { [key: string]: JsonValue };

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
