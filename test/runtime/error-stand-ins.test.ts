import type { ClassManifest } from '../../runtime/manifest.js';
import { InvalidSerialization, JitarError, NotFound, statusOf } from '../../runtime/errors.js';
import { createClassResolver, type ClassConstructor } from '../../runtime/serialization/class-resolver.js';
import { deserialize } from '../../runtime/serialization/deserializer.js';
import { serialize } from '../../runtime/serialization/serializer.js';

/**
 * An app error class that a segment lists, declared in a module of that segment, reaches a process of
 * another segment, which cannot load the module: it arrives under its own name, with its status, as a
 * stand-in extending the nearest parent that process has. A class that is not an error stays refused.
 */
class AppError extends NotFound
{
    readonly area: string = 'people';
}

class PersonNotFound extends AppError
{
    constructor(name: string)
    {
        super(`Nobody called ${name}`);
        this.name = 'PersonNotFound';
    }
}

class Person
{
    constructor(readonly name: string) {}
}

const ERROR_MEMBERS = [
    { name: 'status', readable: true, writable: false }, { name: 'name', readable: true, writable: true },
    { name: 'message', readable: true, writable: true }, { name: 'stack', readable: true, writable: true }
];

function entry(key: string, fields: Partial<ClassManifest>): ClassManifest
{
    return { key, module: key, file: `${key}.ts`, exportName: key.slice(key.lastIndexOf('/') + 1), registration: 'segment', segments: ['people'], constructorParameters: [], members: [], position: { line: 1, column: 1 }, ...fields };
}

const CLASSES: ClassManifest[] = [
    entry('shared/AppError', { status: 404, members: [...ERROR_MEMBERS, { name: 'area', readable: true, writable: false }], segments: [] }),
    entry('people/PersonNotFound', { module: 'people/findPerson', file: 'people/findPerson.ts', status: 404, extends: 'shared/AppError', constructorParameters: ['name'], members: ERROR_MEMBERS }),
    entry('people/Person', { module: 'people/findPerson', file: 'people/findPerson.ts', constructorParameters: ['name'], members: [{ name: 'name', readable: true, writable: false }] })
];

/** The people worker, which loads every class. */
const sender = createClassResolver(CLASSES, new Map<string, ClassConstructor>([['shared/AppError', AppError], ['people/PersonNotFound', PersonNotFound], ['people/Person', Person]]));

test('arrives as a class of its own name, extending the nearest registered parent the process has, with its status and message', () =>
{
    // The greetings worker loads the shared AppError, not the module of people's procedures.
    const receiver = createClassResolver(CLASSES, new Map<string, ClassConstructor>([['shared/AppError', AppError]]));
    const wire = serialize(new PersonNotFound('Zed'), sender);
    expect(wire).toMatchObject({ serialized: true, key: 'people/PersonNotFound', name: 'class' });

    const arrived = deserialize(wire, receiver) as Error;
    expect(arrived.constructor.name).toBe('PersonNotFound');
    expect([arrived.name, arrived.message, statusOf(arrived)]).toEqual(['PersonNotFound', 'Nobody called Zed', 404]);
    expect(arrived).toBeInstanceOf(AppError);
    expect(arrived).toBeInstanceOf(NotFound);
    // Passed on, it keeps its own key: the next process gets it as itself.
    expect(serialize(arrived, receiver)).toMatchObject({ key: 'people/PersonNotFound' });
    expect(deserialize(serialize(arrived, receiver), sender)).toBeInstanceOf(PersonNotFound);
});

test('without any registered parent here, the stand-in extends jitar\'s error class of its status', () =>
{
    const receiver = createClassResolver(CLASSES, new Map());
    const arrived = deserialize(serialize(new PersonNotFound('Zed'), sender), receiver) as Error;
    expect(arrived.constructor.name).toBe('PersonNotFound');
    expect(arrived).toBeInstanceOf(NotFound);
    expect(arrived).toBeInstanceOf(JitarError);
    expect(statusOf(arrived)).toBe(404);
});

test('a class that is not an error, and a key no segment registered, are still refused', () =>
{
    const receiver = createClassResolver(CLASSES, new Map());
    expect(() => deserialize(serialize(new Person('Ann'), sender), receiver)).toThrow(InvalidSerialization);
    expect(() => deserialize({ serialized: true, key: 'people/Unknown', name: 'class', args: {}, fields: {} }, receiver)).toThrow(`unknown class 'people/Unknown': only registered classes are rebuilt`);
});
