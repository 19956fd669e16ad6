import type { JitarType } from '../../runtime/manifest.js';

/**
 * Standard-library classes that the serializer rebuilds, by the name TypeScript's lib (or @types/node)
 * declares them under. Readonly views map to the class a deserialized value actually is.
 */
export const BUILTIN_CLASSES: ReadonlyMap<string, JitarType> = new Map<string, JitarType>([
    ['Date', 'Date'],
    ['Map', 'Map'], ['ReadonlyMap', 'Map'],
    ['Set', 'Set'], ['ReadonlySet', 'Set'],
    ['URL', 'URL'],
    ['RegExp', 'RegExp'],
    ['Buffer', 'Buffer'],
    ['ArrayBuffer', 'ArrayBuffer'],
    ['Error', 'Error'], ['EvalError', 'EvalError'], ['RangeError', 'RangeError'], ['ReferenceError', 'ReferenceError'],
    ['SyntaxError', 'SyntaxError'], ['TypeError', 'TypeError'], ['URIError', 'URIError'], ['AggregateError', 'AggregateError'],
    ['Int8Array', 'Int8Array'], ['Uint8Array', 'Uint8Array'], ['Uint8ClampedArray', 'Uint8ClampedArray'],
    ['Int16Array', 'Int16Array'], ['Uint16Array', 'Uint16Array'], ['Int32Array', 'Int32Array'], ['Uint32Array', 'Uint32Array'],
    ['Float32Array', 'Float32Array'], ['Float64Array', 'Float64Array'],
    ['BigInt64Array', 'BigInt64Array'], ['BigUint64Array', 'BigUint64Array']
]);

/**
 * Standard-library interfaces that hold behaviour or live state: they never make sense on the wire.
 * (Library *classes* need no list: every class that is neither the app's nor above is refused as such.)
 */
export const UNSENDABLE_BUILTINS: ReadonlySet<string> = new Set([
    'Promise', 'PromiseLike', 'Function', 'CallableFunction', 'NewableFunction', 'WeakMap', 'WeakSet', 'WeakRef',
    'FinalizationRegistry', 'Generator', 'AsyncGenerator', 'Iterator', 'AsyncIterator', 'Iterable', 'AsyncIterable',
    'IterableIterator', 'AsyncIterableIterator', 'SharedArrayBuffer', 'DataView', 'Symbol', 'Proxy',
    'ReadableStream', 'WritableStream'
]);
