import type { Manifest, ParameterManifest } from '../../runtime/manifest.js';
import { fromWire, toWire } from '../../runtime/core/arguments.js';
import { analyseFixture } from '../transformer/fixture-apps.js';

/**
 * The parameter lists come from the showcase fixture's real manifest; the functions below have the same
 * parameter lists as the fixture's procedures, so a call through the wire must give what a direct call gives.
 */
let manifest: Manifest;

beforeAll(() =>
{
    manifest = analyseFixture('showcase').manifest;
});

function parametersOf(fqn: string): ParameterManifest[]
{
    const procedure = manifest.procedures.find(candidate => candidate.fqn === fqn);
    if (procedure === undefined) throw new Error(`no procedure ${fqn}`);
    return procedure.parameters;
}

/** Calls `fn` as a receiver would after `args` crossed the wire. */
function throughWire<T>(fqn: string, fn: (...args: never[]) => T, args: unknown[]): { wire: Record<string, unknown>; result: T }
{
    const parameters = parametersOf(fqn);
    const wire = JSON.parse(JSON.stringify(toWire(parameters, args))) as Record<string, unknown>;
    return { wire, result: fn(...fromWire(parameters, wire) as never[]) };
}

const sayHello = (name = 'World'): string => `Hello, ${name}!`;
const greet = ({ name, city }: { name: string; city: string }): string => `Hello, ${name} from ${city}!`;
const greetAll = (...names: string[]): string => `Hello, ${names.join(', ')}!`;
const renamed = ({ name: fullName, age: years = 30 }: { name: string; age?: number }): string => `${fullName} (${years})`;
const nested = ({ person: { name }, address: { city: town, street } }: { person: { name: string }; address: { city: string; street: string } }): string => `${name}, ${street}, ${town}`;
const pair = ([first, second]: [string, number], optionalFlag?: boolean): string => `${first}${second}${optionalFlag}`;
const mixed = (id: number, { tags = [] }: { tags?: string[] } = {}, ...rest: unknown[]): number => id + tags.length + rest.length;
const restOfObject = ({ email, ...others }: { email: string; phone?: string; tags: string[] }): string => email + Object.keys(others).join();
const arrayRest = ([head, , ...tail]: number[]): number => head + tail.length;
const withDefaults = ({ options: { verbose } = { verbose: true } }: { options?: { verbose?: boolean } } = {}): boolean => verbose ?? false;

describe('named and optional parameters', () =>
{
    test('a named parameter travels by its name', () =>
    {
        expect(throughWire('sayHello', sayHello, ['John'])).toEqual({ wire: { name: 'John' }, result: 'Hello, John!' });
    });

    test('an absent optional parameter is left out, and its default applies on the other side', () =>
    {
        expect(throughWire('sayHello', sayHello, [])).toEqual({ wire: {}, result: 'Hello, World!' });
    });

    test('an optional parameter after a required one', () =>
    {
        expect(throughWire('domain/pair', pair, [['a', 1], true])).toEqual({ wire: { first: 'a', second: 1, optionalFlag: true }, result: 'a1true' });
    });
});

describe('destructured parameters', () =>
{
    test('object members travel flat', () =>
    {
        expect(throughWire('domain/greet', greet, [{ name: 'John', city: 'Rome' }])).toEqual({ wire: { name: 'John', city: 'Rome' }, result: 'Hello, John from Rome!' });
    });

    test('renamed members travel by the name they bind, and a member default applies', () =>
    {
        expect(throughWire('domain/renamed', renamed, [{ name: 'Ann' }])).toEqual({ wire: { fullName: 'Ann' }, result: 'Ann (30)' });
    });

    test('nested members travel flat and the nesting is rebuilt', () =>
    {
        const arg = { person: { name: 'Ann' }, address: { city: 'Rome', street: 'Via Roma' } };
        expect(throughWire('domain/nested', nested, [arg])).toEqual({ wire: { name: 'Ann', town: 'Rome', street: 'Via Roma' }, result: 'Ann, Via Roma, Rome' });
    });

    test('array elements travel flat', () =>
    {
        expect(throughWire('domain/pair', pair, [['x', 2]]).result).toBe('x2undefined');
    });

    test('an object rest collects the properties its siblings leave', () =>
    {
        expect(throughWire('domain/restOfObject', restOfObject, [{ email: 'a@b', phone: '1', tags: [] }]))
            .toEqual({ wire: { email: 'a@b', '...others': { phone: '1', tags: [] } }, result: 'a@bphone,tags' });
    });

    test('an array rest skips a hole and keeps its start', () =>
    {
        expect(throughWire('domain/arrayRest', arrayRest, [[1, 2, 3, 4]])).toEqual({ wire: { head: 1, '...tail': [3, 4] }, result: 3 });
    });

    test('an absent optional pattern parameter stays undefined, so its default applies', () =>
    {
        expect(throughWire('domain/withDefaults', withDefaults, [])).toEqual({ wire: {}, result: true });
    });

    test('a nested pattern with a default keeps its default when nothing is sent for it', () =>
    {
        expect(throughWire('domain/withDefaults', withDefaults, [{}]).result).toBe(true);
    });

    test('a nested value that is sent wins over the nested default', () =>
    {
        expect(throughWire('domain/withDefaults', withDefaults, [{ options: { verbose: false } }])).toEqual({ wire: { verbose: false }, result: false });
    });
});

describe('rest parameters', () =>
{
    test('rest arguments travel as ...name and are spread into the call', () =>
    {
        expect(throughWire('domain/greetAll', greetAll, ['Ann', 'Bob'])).toEqual({ wire: { '...names': ['Ann', 'Bob'] }, result: 'Hello, Ann, Bob!' });
    });

    test('rest arguments after other parameters', () =>
    {
        expect(throughWire('domain/mixed', mixed, [1, { tags: ['a'] }, 'x', 'y'])).toEqual({ wire: { id: 1, tags: ['a'], '...rest': ['x', 'y'] }, result: 4 });
    });

    test('no rest arguments send nothing', () =>
    {
        expect(throughWire('domain/greetAll', greetAll, [])).toEqual({ wire: {}, result: 'Hello, !' });
    });
});

describe('fromWire on its own', () =>
{
    test('a required nested pattern gets its containers even when its members are missing', () =>
    {
        expect(fromWire(parametersOf('domain/nested'), {})).toEqual([{ person: {}, address: {} }]);
    });

    test('a getter of a class instance is read for a destructured member', () =>
    {
        class Person
        {
            get name(): string { return 'Ann'; }
            get city(): string { return 'Rome'; }
        }
        expect(toWire(parametersOf('domain/greet'), [new Person()])).toEqual({ name: 'Ann', city: 'Rome' });
    });
});
