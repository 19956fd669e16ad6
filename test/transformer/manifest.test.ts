import type { AnalysisResult } from '../../transformer/index.js';
import type { Manifest, ParameterManifest, ProcedureManifest, WireName } from '../../runtime/manifest.js';
import { analyseFixture } from './fixture-apps.js';

let result: AnalysisResult;
let manifest: Manifest;

beforeAll(() =>
{
    result = analyseFixture('showcase');
    manifest = result.manifest;
});

function procedure(fqn: string, version = '0.0.0'): ProcedureManifest
{
    const found = manifest.procedures.find(candidate => candidate.fqn === fqn && candidate.version === version);
    if (found === undefined) throw new Error(`no procedure ${fqn}@${version}; have ${manifest.procedures.map(item => `${item.fqn}@${item.version}`).join(', ')}`);
    return found;
}

function parameters(fqn: string): ParameterManifest[]
{
    return procedure(fqn).parameters;
}

/** The wire names of a procedure without their schemas: what callers send. */
function wireNames(fqn: string): Omit<WireName, 'schema'>[]
{
    return parameters(fqn).flatMap(parameter => parameter.names.map(({ schema: _schema, ...rest }) => rest));
}

describe('the showcase app', () =>
{
    test('has no errors and no warnings', () =>
    {
        expect(result.diagnostics).toEqual([]);
    });
});

describe('fully qualified names', () =>
{
    test('a module at the source root gives just the name', () =>
    {
        expect(procedure('sayHello').module).toBe('sayHello');
    });

    test('a module in a folder gives the folder path and the declared name', () =>
    {
        expect(procedure('domain/greet').module).toBe('domain/parameters');
    });

    test('a default export of an index module gives the folder path', () =>
    {
        expect(procedure('domain/person', '1.0.0')).toMatchObject({ module: 'domain/person/index', exportName: 'default' });
    });

    test('a named export of an index module gives the folder path and its name', () =>
    {
        expect(procedure('domain/person/listPeople').exportName).toBe('listPeople');
    });

    test('"as" names an implementation of another FQN', () =>
    {
        expect(procedure('domain/order/placeOrder', '2.0.0').exportName).toBe('placeOrderV2');
    });

    test('several implementations of one FQN are sorted by version', () =>
    {
        expect(manifest.procedures.filter(item => item.fqn === 'domain/order/placeOrder').map(item => item.version)).toEqual(['1.0.0', '2.0.0']);
    });
});

describe('settings', () =>
{
    test('version shorthands are written out', () =>
    {
        expect(procedure('domain/order/placeOrder', '1.0.0').version).toBe('1.0.0');
    });

    test('access and version default to private and 0.0.0', () =>
    {
        expect(procedure('domain/internalCount')).toMatchObject({ access: 'private', version: '0.0.0' });
    });

    test('protected access is kept', () =>
    {
        expect(procedure('domain/person/listPeople').access).toBe('protected');
    });

    test('a procedure listed by two segments with the same settings belongs to both', () =>
    {
        expect(procedure('sayHello').segments).toEqual(['order', 'person']);
    });

    test('module keys resolve with a .js extension, without ./, and with .ts', () =>
    {
        expect([procedure('sayHello').file, procedure('domain/order/placeOrder', '1.0.0').file]).toEqual(['sayHello.ts', 'domain/order/placeOrder.ts']);
    });

    test('a procedure records where it is declared', () =>
    {
        expect(procedure('domain/greet').position).toEqual({ line: 5, column: 23 });
    });
});

describe('parameters', () =>
{
    test('named parameters keep their order', () =>
    {
        expect(wireNames('domain/primitives').map(name => name.name)).toEqual(['text', 'amount', 'flag', 'nothing', 'absent']);
    });

    test('a parameter with a default value is optional', () =>
    {
        expect(parameters('sayHello')).toMatchObject([{ kind: 'named', text: 'name', optional: true }]);
    });

    test('a parameter with ? is optional', () =>
    {
        expect(parameters('domain/pair')[1]).toMatchObject({ kind: 'named', optional: true });
    });

    test('a parameter whose type includes undefined is optional', () =>
    {
        expect(parameters('domain/maybe')[0].optional).toBe(true);
    });

    test('a required parameter is not optional', () =>
    {
        expect(parameters('domain/maybe')[1].optional).toBe(false);
    });

    test('an object pattern binds its members as flat names', () =>
    {
        expect(wireNames('domain/greet')).toEqual([
            { name: 'name', path: [0, 'name'], optional: false },
            { name: 'city', path: [0, 'city'], optional: false }
        ]);
    });

    test('an object pattern parameter has kind object-pattern and keeps its source text', () =>
    {
        expect(parameters('domain/greet')[0]).toMatchObject({ kind: 'object-pattern', text: '{ name, city }' });
    });

    test('a renamed member is sent by the name it binds, read from its property, with its default', () =>
    {
        expect(wireNames('domain/renamed')).toEqual([
            { name: 'fullName', path: [0, 'name'], optional: false },
            { name: 'years', path: [0, 'age'], optional: true }
        ]);
    });

    test('nested destructuring flattens every level', () =>
    {
        expect(wireNames('domain/nested')).toEqual([
            { name: 'name', path: [0, 'person', 'name'], optional: false },
            { name: 'town', path: [0, 'address', 'city'], optional: false },
            { name: 'street', path: [0, 'address', 'street'], optional: false }
        ]);
    });

    test('an array pattern binds its elements by index', () =>
    {
        expect(parameters('domain/pair')[0]).toMatchObject({
            kind: 'array-pattern',
            names: [{ name: 'first', path: [0, 0] }, { name: 'second', path: [0, 1] }]
        });
    });

    test('a rest parameter is sent as ...name and is optional', () =>
    {
        expect(parameters('domain/greetAll')).toMatchObject([{ kind: 'rest', text: 'names', optional: true, names: [{ name: '...names', path: [], rest: { kind: 'elements', from: 0 } }] }]);
    });

    test('a rest parameter after others starts at its index', () =>
    {
        expect(wireNames('domain/mixed')[2]).toEqual({ name: '...rest', path: [], optional: true, rest: { kind: 'elements', from: 2 } });
    });

    test('a pattern parameter with a default makes its members optional', () =>
    {
        expect(parameters('domain/mixed')[1]).toMatchObject({ kind: 'object-pattern', optional: true, names: [{ name: 'tags', optional: true }] });
    });

    test('an object rest element collects the properties its siblings do not take', () =>
    {
        expect(wireNames('domain/restOfObject')[1]).toEqual({ name: '...others', path: [0], optional: true, rest: { kind: 'properties', exclude: ['email'] } });
    });

    test('an array rest element starts at its index, after a hole', () =>
    {
        expect(wireNames('domain/arrayRest')).toEqual([
            { name: 'head', path: [0, 0], optional: false },
            { name: '...tail', path: [0], optional: true, rest: { kind: 'elements', from: 2 } }
        ]);
    });

    test('a nested pattern with a default is recorded, so that its default can apply', () =>
    {
        expect(parameters('domain/withDefaults')[0]).toMatchObject({
            optional: true,
            names: [{ name: 'verbose', path: [0, 'options', 'verbose'], optional: true }],
            defaultedPatterns: [[0, 'options']]
        });
    });

    test('a procedure without parameters has an empty list', () =>
    {
        expect(parameters('domain/internalCount')).toEqual([]);
    });
});

describe('results', () =>
{
    test('the Promise is unwrapped', () =>
    {
        expect(procedure('sayHello').result).toEqual({ type: 'string' });
    });

    test('Promise<void> is undefined', () =>
    {
        expect(procedure('domain/maybe').result).toEqual({ jitarType: 'undefined' });
    });

    test('a class instance result refers to the class key', () =>
    {
        expect(procedure('domain/person', '1.0.0').result).toEqual({ jitarClass: 'domain/Person' });
    });
});

describe('classes', () =>
{
    const find = (key: string) => manifest.classes.find(item => item.key === key);

    test('a class listed in a segment is registered with its key, module and export', () =>
    {
        expect(find('domain/Person')).toMatchObject({ module: 'domain/Person', file: 'domain/Person.ts', exportName: 'Person', registration: 'segment', segments: ['person'] });
    });

    test('constructor parameter names are recorded', () =>
    {
        expect(find('domain/Person')?.constructorParameters).toEqual(['name', 'age']);
    });

    test('getters are readable and not writable; #private fields are left out', () =>
    {
        expect(find('domain/Person')?.members).toEqual([
            { name: 'name', readable: true, writable: false },
            { name: 'age', readable: true, writable: false }
        ]);
    });

    test('public fields are writable, readonly ones are not, methods are left out', () =>
    {
        expect(find('domain/Address')?.members).toEqual([
            { name: 'note', readable: true, writable: true },
            { name: 'street', readable: true, writable: false },
            { name: 'city', readable: true, writable: false }
        ]);
    });

    test('an exported app class used in a signature is registered by the signature', () =>
    {
        expect(find('domain/Address')).toMatchObject({ registration: 'signature', segments: [] });
    });

    test('an inherited constructor and the registered parent are recorded', () =>
    {
        expect(find('domain/VipPerson')).toMatchObject({ constructorParameters: ['name', 'age'], extends: 'domain/Person' });
    });

    test('an unused, unlisted class is not registered', () =>
    {
        expect(find('domain/Secret')).toBeUndefined();
    });
});

describe('segments and resources', () =>
{
    test('each segment lists its file and modules', () =>
    {
        expect(manifest.segments.find(segment => segment.name === 'person')).toEqual({
            name: 'person', file: 'segments/person.json', modules: ['domain/Person', 'domain/person/index', 'sayHello']
        });
    });

    test('resource modules are listed', () =>
    {
        expect(manifest.resources).toEqual(['shared/database']);
    });

    test('source and target are relative to the app root', () =>
    {
        expect([manifest.source, manifest.target]).toEqual(['src', 'dist']);
    });
});
