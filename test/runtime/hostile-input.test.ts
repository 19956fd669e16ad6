import { describe, expect, it, jest } from '@jest/globals';

import { fromWire } from '../../runtime/core/arguments.js';
import { InvalidSerialization } from '../../runtime/errors.js';
import { nestsDeeperThan } from '../../runtime/http/json-depth.js';
import { BodyError, parseBody, parseJsonBody } from '../../runtime/http/rpc-request.js';
import type { ParameterManifest } from '../../runtime/manifest.js';
import { MAX_BIGINT_DIGITS, parseIsoDate } from '../../runtime/serialization/builtins.js';
import { createClassResolver } from '../../runtime/serialization/class-resolver.js';
import { deserialize } from '../../runtime/serialization/deserializer.js';

/**
 * Inputs built to overflow the stack, block the process or be read as something they are not: the
 * limits hold before anything walks them, whatever the encoding.
 */

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

function bodyError(run: () => unknown): BodyError
{
    try
    {
        run();
    }
    catch (error)
    {
        if (error instanceof BodyError) return error;
        throw error;
    }
    throw new Error('no BodyError was thrown');
}

describe('JSON nesting', () =>
{
    it('is measured from the text, strings and escapes skipped', () =>
    {
        expect(nestsDeeperThan(nested(64), 64)).toBe(false);
        expect(nestsDeeperThan(nested(65), 64)).toBe(true);
        expect(nestsDeeperThan(`{"a":${'{"b":'.repeat(64)}1${'}'.repeat(64)}}`, 64)).toBe(true);
        expect(nestsDeeperThan(JSON.stringify({ text: '[{'.repeat(500) }), 64)).toBe(false);
        expect(nestsDeeperThan(JSON.stringify({ text: `\\"${'['.repeat(500)}` }), 64)).toBe(false);
        // Siblings do not add up.
        expect(nestsDeeperThan(`[${Array.from({ length: 100 }, () => nested(60)).join(',')}]`, 64)).toBe(false);
    });

    it('refuses a plain body deeper than 64 levels and a serialized one deeper than 192, before parsing', () =>
    {
        const deep = `{"value":${nested(100_000)}}`;
        for (const serialized of [false, true])
        {
            const error = bodyError(() => parseJsonBody(deep, serialized));
            expect([error.statusCode, error.message]).toEqual([400, `Invalid JSON body: nested deeper than ${serialized ? 192 : 64} levels`]);
        }
        expect(parseJsonBody(`{"value":${nested(63)}}`)).toBeDefined();
        expect(bodyError(() => parseJsonBody(`{"value":${nested(64)}}`)).statusCode).toBe(400);
        expect(parseJsonBody(`{"value":${nested(150)}}`, true)).toBeDefined();
        // What a channel brings is read by the same rule.
        expect(bodyError(() => parseBody('application/json', Buffer.from(deep))).message).toBe('Invalid JSON body: nested deeper than 64 levels');
    });

    it('reads a megabyte of JSON to its end: brackets in strings do not count, a deep value after them does', () =>
    {
        // Strings full of brackets and escaped quotes: a scan that took them for structure would count 20,000 levels.
        const rows = Array.from({ length: 20_000 }, (_, index) => ({ id: index, name: `row ${index} [{"\\[`, tags: ['[[[[', '{{{{'] }));
        const text = JSON.stringify({ rows });
        expect(text.length).toBeGreaterThan(900_000);
        expect(nestsDeeperThan(text, 64)).toBe(false);
        expect(parseJsonBody(text, true)).toEqual({ rows });

        // The same megabyte with one value 65 levels deep at its very end.
        const deepAtEnd = `${text.slice(0, -1)},"last":${nested(64)}}`;
        expect(nestsDeeperThan(deepAtEnd, 64)).toBe(true);
        expect(nestsDeeperThan(`${text.slice(0, -1)},"last":${nested(63)}}`, 64)).toBe(false);
    });
});

describe('dates', () =>
{
    it('are read only when every field is in its range', () =>
    {
        for (const text of ['2023-02-30', '2023-02-29', '2024-04-31', '2024-00-10', '2024-13-01', '2024-01-00', '-000000-01-01',
            '2024-01-01T24:00', '2024-01-01T12:60Z', '2024-01-01T12:00:60Z', '2024-01-01T12:00+24:00', '20230-01-01', '02024-01-01', '2024-1-1'])
        {
            expect([text, parseIsoDate(text)]).toEqual([text, undefined]);
        }
        expect(parseIsoDate('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
        expect(parseIsoDate('2000-02-29T23:59:59.999Z')?.toISOString()).toBe('2000-02-29T23:59:59.999Z');
        expect(parseIsoDate('-000001-12-31T00:00Z')?.toISOString()).toBe('-000001-12-31T00:00:00.000Z');
        expect(parseIsoDate('+275760-09-13T00:00:00Z')?.getTime()).toBe(8.64e15);
        expect(parseIsoDate('+275760-09-14T00:00:00Z')).toBeUndefined();
        expect(parseIsoDate('2024-06-01T10:00:00+02:00')?.toISOString()).toBe('2024-06-01T08:00:00.000Z');
    });

    it('that do not exist are refused by the deserializer, naming where', () =>
    {
        const resolver = createClassResolver([], new Map());
        expect(() => deserialize({ at: { serialized: true, name: 'Date', value: '2023-02-30' } }, resolver))
            .toThrow(new InvalidSerialization('deserialize', 'value.at.value', 'a Date\'s value must be an ISO 8601 date, not "2023-02-30"'));
    });
});

describe('BigInts', () =>
{
    it('of more than 4096 digits are refused by the deserializer without reading them', () =>
    {
        const resolver = createClassResolver([], new Map());
        const digits = '7'.repeat(1_000_000);
        expect(() => deserialize({ serialized: true, name: 'BigInt', value: digits }, resolver)).toThrow('a BigInt\'s value has more than 4096 digits, the most that are read');
        // Refused before BigInt() parses the digits (the slow part: quadratic in their number).
        const parse = jest.spyOn(globalThis, 'BigInt');
        try
        {
            expect(() => deserialize({ serialized: true, name: 'BigInt', value: digits }, resolver)).toThrow('more than 4096 digits');
            expect(parse).not.toHaveBeenCalled();
            // The spy does see the parse of a value within the limit.
            deserialize({ serialized: true, name: 'BigInt', value: '12' }, resolver);
            expect(parse).toHaveBeenCalledWith('12');
        }
        finally
        {
            parse.mockRestore();
        }
        expect(deserialize({ serialized: true, name: 'BigInt', value: `-${'9'.repeat(MAX_BIGINT_DIGITS)}` }, resolver)).toBe(-(10n ** 4096n - 1n));
    });
});

describe('rest parameters', () =>
{
    it('of many values become arguments without overflowing the stack', () =>
    {
        const rest: ParameterManifest = { kind: 'rest', text: 'numbers', optional: true, names: [{ name: '...numbers', path: [0], optional: true, schema: {} }] };
        const values = Array.from({ length: 200_000 }, (_, index) => index);
        expect(fromWire([rest], { '...numbers': values })).toHaveLength(200_000);
    });
});
