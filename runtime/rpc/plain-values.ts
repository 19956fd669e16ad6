import type { ProcedureManifest } from '../manifest.js';
import { MAX_BIGINT_DIGITS, parseIsoDate, tooManyDigits } from '../serialization/builtins.js';

/**
 * Query strings and plain JSON cannot carry a BigInt or a Date, so a plain call sends them as text (or, for
 * a BigInt, as a whole JSON number): parameters declared as `bigint` or `Date` are converted before they are
 * validated. A value that is no such text at all stays as sent, for the validator to refuse with its
 * message; a text that names no real date, or a BigInt too long to read, is refused here.
 * Serialized calls need none of this: they carry the real values.
 */

/** A value a conversion refuses, with the reason the answer gives. */
class Refused
{
    constructor(readonly reason: string) {}
}

type Conversion = (value: unknown) => unknown;

const INTEGER = /^-?\d+$/;
/** What a date is meant to look like: its fields are checked by parseIsoDate. */
const DATE_LIKE = /^[+-]?\d{4,6}-\d{2}-\d{2}/;

const toBigInt: Conversion = value =>
{
    if (typeof value === 'string' && INTEGER.test(value))
    {
        return tooManyDigits(value) ? new Refused(`a bigint of more than ${MAX_BIGINT_DIGITS} digits is not read`) : BigInt(value);
    }
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
    return value;
};

const toDate: Conversion = value =>
{
    if (typeof value !== 'string') return value;
    const date = parseIsoDate(value);
    if (date !== undefined) return date;
    return DATE_LIKE.test(value) ? new Refused(`${JSON.stringify(value.slice(0, 64))} is not a valid date (ISO 8601, such as 2024-02-29 or 2024-02-29T12:30:00Z)`) : value;
};

/** The conversions a procedure's plain calls need, by wire name; undefined when it needs none. */
export function plainConversions(procedure: ProcedureManifest): ReadonlyMap<string, Conversion> | undefined
{
    const conversions = new Map<string, Conversion>();
    for (const name of procedure.parameters.flatMap(parameter => parameter.names))
    {
        if (name.schema.jitarType === 'bigint') conversions.set(name.name, toBigInt);
        else if (name.schema.jitarType === 'Date') conversions.set(name.name, toDate);
    }
    return conversions.size === 0 ? undefined : conversions;
}

/** Converts, in place, the arguments of a plain call; the message of a value refused, naming its parameter. */
export function convertPlainValues(args: Record<string, unknown>, conversions: ReadonlyMap<string, Conversion>): string | undefined
{
    for (const [name, convert] of conversions)
    {
        if (args[name] === undefined) continue;
        const converted = convert(args[name]);
        if (converted instanceof Refused) return `Invalid value for parameter '${name}': ${converted.reason}`;
        args[name] = converted;
    }
    return undefined;
}
