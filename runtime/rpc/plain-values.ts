import type { ProcedureManifest } from '../manifest.js';
import { ISO_DATE } from '../serialization/builtins.js';

/**
 * Query strings and plain JSON cannot carry a BigInt or a Date, so a plain call sends them as text (or, for
 * a BigInt, as a whole JSON number): parameters declared as `bigint` or `Date` are converted before they are
 * validated. A text that is not such a value stays as sent, for the validator to refuse with its message.
 * Serialized calls need none of this: they carry the real values.
 */

type Conversion = (value: unknown) => unknown;

const INTEGER = /^-?\d+$/;

const toBigInt: Conversion = value =>
{
    if (typeof value === 'string' && INTEGER.test(value)) return BigInt(value);
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
    return value;
};

const toDate: Conversion = value =>
{
    if (typeof value !== 'string' || !ISO_DATE.test(value)) return value;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date;
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

/** Converts, in place, the arguments of a plain call. */
export function convertPlainValues(args: Record<string, unknown>, conversions: ReadonlyMap<string, Conversion>): void
{
    for (const [name, convert] of conversions)
    {
        if (args[name] !== undefined) args[name] = convert(args[name]);
    }
}
