import { describe, expect, it } from '@jest/globals';

import { InFlight } from '../../runtime/channel/in-flight.js';

describe('requests in flight', () =>
{
    it('gives each value an id, and each id its value once', () =>
    {
        const inFlight = new InFlight<string>(4);
        const ids = ['a', 'b', 'c'].map(value => inFlight.add(value));
        expect(new Set(ids).size).toBe(3);
        expect(inFlight.size).toBe(3);
        expect(inFlight.get(ids[1])).toBe('b');
        expect(inFlight.take(ids[1])).toBe('b');
        expect(inFlight.take(ids[1])).toBeUndefined();
        expect(inFlight.get(ids[1])).toBeUndefined();
        expect(inFlight.size).toBe(2);
        expect(inFlight.takeAll().sort()).toEqual(['a', 'c']);
        expect(inFlight.size).toBe(0);
    });

    it('does not mistake a new request in a reused slot for an old one', () =>
    {
        const inFlight = new InFlight<string>(4);
        const old = inFlight.add('old');
        inFlight.take(old);
        // Four more ids later, the same slot holds another request.
        for (let index = 0; index < 3; index++) inFlight.take(inFlight.add('filler'));
        const next = inFlight.add('new');
        expect(next).not.toBe(old);
        expect([inFlight.get(old), inFlight.take(old), inFlight.get(next)]).toEqual([undefined, undefined, 'new']);
    });

    it('makes more slots when a request outlives a round of ids', () =>
    {
        const inFlight = new InFlight<string>(4);
        const slow = inFlight.add('slow');
        const later: number[] = [];
        for (let index = 0; index < 20; index++) later.push(inFlight.add(`fast ${index}`));
        expect(inFlight.size).toBe(21);
        expect(inFlight.take(slow)).toBe('slow');
        expect(later.map(id => inFlight.take(id))).toEqual(later.map((_, index) => `fast ${index}`));
        expect(inFlight.ids()).toEqual([]);
    });
});
