import { BadRequest, Forbidden, JitarError, NotFound, NotImplemented, PaymentRequired, ServerError, Teapot, Unauthorized } from '../errors.js';

/**
 * The built-in types the serializer rebuilds, as fixed tables: a wire value names an entry of these
 * tables, never a global. `Buffer` is Node's and is used only where it exists, so that this module
 * (and the serializer) also runs in browsers.
 */

export type TypedArray =
    | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
    | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

interface TypedArrayConstructor
{
    readonly prototype: object;
    readonly BYTES_PER_ELEMENT: number;
    new (buffer: ArrayBuffer): TypedArray;
}

/** The typed arrays by the name the `TypedArray` form's `type` gives (`ArrayBuffer` travels in the same form). */
export const TYPED_ARRAYS: ReadonlyMap<string, TypedArrayConstructor> = new Map<string, TypedArrayConstructor>([
    ['Int8Array', Int8Array], ['Uint8Array', Uint8Array], ['Uint8ClampedArray', Uint8ClampedArray],
    ['Int16Array', Int16Array], ['Uint16Array', Uint16Array], ['Int32Array', Int32Array], ['Uint32Array', Uint32Array],
    ['Float32Array', Float32Array], ['Float64Array', Float64Array], ['BigInt64Array', BigInt64Array], ['BigUint64Array', BigUint64Array]
]);

export const ARRAY_BUFFER_TYPE = 'ArrayBuffer';

/**
 * A Date as text: ISO 8601, date alone or with a time (what `Date.prototype.toISOString` writes, and
 * less); a year of four digits, or of six with a sign, as JavaScript has them.
 */
const ISO_DATE = /^(\d{4}|[+-]\d{6})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The Date an ISO 8601 text names, or undefined when it names none. JavaScript's own parser rolls
 * impossible days over (`2023-02-30` is 2 March) and reads `-000000` (which ISO 8601 forbids) as 2001;
 * here every field must be in its range.
 */
export function parseIsoDate(text: string): Date | undefined
{
    const fields = ISO_DATE.exec(text);
    if (fields === null || fields[1] === '-000000') return undefined;
    const [year, month, day, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = fields.slice(1).map(field => field === undefined ? undefined : Number(field));
    if (year === undefined || month === undefined || day === undefined || month < 1 || month > 12 || day < 1) return undefined;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) return undefined;
    if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * The most decimal digits a BigInt is read from: reading takes time that grows faster than its length
 * (a million digits block the process for half a second); 4096 digits (13,600 bits) take 0.1 ms.
 */
export const MAX_BIGINT_DIGITS = 4096;

/** Whether an integer's text (`-?\d+`) has more digits than a BigInt is read from. */
export function tooManyDigits(integer: string): boolean
{
    return integer.length - (integer.startsWith('-') ? 1 : 0) > MAX_BIGINT_DIGITS;
}

/** The name of the typed array whose own prototype `prototype` is, if any. */
export function typedArrayName(prototype: object | null): string | undefined
{
    for (const [name, constructor] of TYPED_ARRAYS)
    {
        if (constructor.prototype === prototype) return name;
    }
    return undefined;
}

type ErrorConstructorLike = new (message?: string, options?: ErrorOptions) => Error;

/**
 * The errors the `Error` form's `type` may name: JavaScript's own and jitar's, so that a BadRequest thrown
 * in one process is a BadRequest (with its status) where it lands. Any other type is read as `Error`.
 */
export const ERROR_TYPES: ReadonlyMap<string, ErrorConstructorLike> = new Map<string, ErrorConstructorLike>([
    ['Error', Error], ['TypeError', TypeError], ['RangeError', RangeError], ['SyntaxError', SyntaxError],
    ['ReferenceError', ReferenceError], ['EvalError', EvalError], ['URIError', URIError],
    // Names spelled out: a minifier may rename the classes of a browser bundle.
    ['JitarError', JitarError], ['BadRequest', BadRequest], ['Unauthorized', Unauthorized], ['PaymentRequired', PaymentRequired],
    ['Forbidden', Forbidden], ['NotFound', NotFound], ['Teapot', Teapot], ['ServerError', ServerError], ['NotImplemented', NotImplemented]
]);

export const AGGREGATE_ERROR_TYPE = 'AggregateError';

/** The allow-listed type of an error: the nearest listed error class in its prototype chain (ProcedureNotFound is a NotFound). */
export function errorType(error: object): string | undefined
{
    for (let prototype: object | null = Object.getPrototypeOf(error); prototype !== null; prototype = Object.getPrototypeOf(prototype))
    {
        if (prototype === AggregateError.prototype) return AGGREGATE_ERROR_TYPE;
        for (const [name, constructor] of ERROR_TYPES)
        {
            if (constructor.prototype === prototype) return name;
        }
    }
    // An error of another realm (a VM context, a worker's message): its brand still says it is one.
    return Object.prototype.toString.call(error) === '[object Error]' ? 'Error' : undefined;
}

/** The part of Node's `Buffer` the serializer uses. */
export interface BufferApi
{
    isBuffer(value: unknown): boolean;
    from(buffer: ArrayBufferLike, byteOffset?: number, length?: number): Uint8Array;
}

/** Node's `Buffer` when this runtime has one (read each time, so that tests and bundlers can remove it). */
export function bufferApi(): BufferApi | undefined
{
    const candidate = (globalThis as { Buffer?: unknown }).Buffer;
    if (typeof candidate !== 'function') return undefined;
    const api = candidate as Partial<BufferApi>;
    return typeof api.isBuffer === 'function' && typeof api.from === 'function' ? api as BufferApi : undefined;
}
