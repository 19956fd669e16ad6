/**
 * The `serialized` encoding's options, and the rules that serializer.ts and deserializer.ts share: values
 * that JSON cannot carry (Maps, Dates, instances of the app's classes, ...) become objects with
 * `"serialized": true` and a `name`, and only those the resolver registers, plus the built-ins
 * (builtins.ts), are ever rebuilt. See COMPAT.md, "Serialization".
 *
 * Used by the server, the proxies and the browser client alike: no Node built-in is imported.
 */

export const DEFAULT_MAX_DEPTH = 64;

export function maxDepthOf(options: SerializationOptions): number
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
 * `seed`: the form Jitar's documentation shows, `{serialized, name: <class>, source: <module>, args: […],
 * fields}`, what its RPC API page reads. Both are read back. ("The seed" is that documentation, Jitar's
 * README and RPC API page, which this project implements; docs/COMPAT.md compares.)
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
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Sets an own data property. Of the keys, only `__proto__` reaches a setter of Object.prototype (the one
 * that sets the prototype): that one is defined, never assigned, even though the callers refuse it.
 */
export function define<T extends object>(target: T, key: string, value: unknown): T
{
    if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
    else (target as Record<string, unknown>)[key] = value;
    return target;
}

export function isPlainPrototype(prototype: object | null): boolean
{
    // Object.prototype of this realm or another (whose own prototype is null), or no prototype at all.
    return prototype === null || prototype === Object.prototype || Object.getPrototypeOf(prototype) === null;
}

export function constructorName(value: object): string
{
    const prototype: unknown = Object.getPrototypeOf(value);
    const descriptor = typeof prototype === 'object' && prototype !== null ? Object.getOwnPropertyDescriptor(prototype, 'constructor') : undefined;
    const constructor: unknown = descriptor?.value;
    const name = typeof constructor === 'function' ? constructor.name : '';
    return name === '' ? '(anonymous)' : name;
}

export function messageOf(error: unknown): string
{
    return error instanceof Error ? error.message : String(error);
}
