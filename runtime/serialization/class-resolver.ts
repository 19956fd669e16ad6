import type { ClassManifest } from '../manifest.js';

/**
 * What the serializer knows of the app's classes: those the manifest registers and this process has
 * loaded. Nothing else is ever rebuilt; a wire value never selects a global, a module or a prototype.
 */

/** A class as the runtime loaded it (abstract ones included: JavaScript constructs them all the same). */
export type ClassConstructor = abstract new (...args: never[]) => object;

export interface RegisteredClass
{
    readonly key: string;
    readonly manifest: ClassManifest;
    readonly constructor: ClassConstructor;
}

export interface ClassResolver
{
    /**
     * The key of the class of `value`: its own class when registered, else the nearest registered
     * ancestor in its prototype chain; undefined when no class of the chain is registered.
     */
    keyOf(value: object): string | undefined;

    /** The registered class with that key. */
    get(key: string): RegisteredClass | undefined;

    /**
     * The key named by the documented older form (ClassForm `seed`) `{ name: 'Person', source: 'domain/Person.js' }`: the class
     * whose module is `source` without its extension and whose export or class name is `name`.
     */
    keyFromSource(name: string, source: string): string | undefined;
}

/** The `source` of the documented form (ClassForm `seed`): the emitted module of the class, relative to the source root (`domain/Person.js`). */
export function classSource(manifest: ClassManifest): string
{
    const match = /\.([cm]?)[jt]sx?$/.exec(manifest.file);
    return `${manifest.module}.${match?.[1] ?? ''}js`;
}

/** The `name` of the documented form: the class's own name, else the last part of its key. */
export function className(registered: RegisteredClass): string
{
    const name = registered.constructor.name;
    return name !== '' ? name : registered.key.slice(registered.key.lastIndexOf('/') + 1);
}

/** A module path as the documented form writes it, without leading `./` or `/` and without extension. */
function modulePath(source: string): string
{
    return source.replace(/^(\.\/|\/)+/, '').replace(/\.[cm]?[jt]sx?$/, '');
}

/**
 * A resolver over the manifest's classes and the constructors the runtime loaded for them, by key.
 * Classes without a loaded constructor, and constructors without a manifest entry, are not registered.
 */
export function createClassResolver(classes: readonly ClassManifest[], constructors: ReadonlyMap<string, ClassConstructor>): ClassResolver
{
    const byKey = new Map<string, RegisteredClass>();
    const byPrototype = new Map<object, string>();

    for (const manifest of classes)
    {
        const constructor = constructors.get(manifest.key);
        if (typeof constructor !== 'function') continue;
        const prototype: unknown = constructor.prototype;
        if (typeof prototype !== 'object' || prototype === null) continue;
        byKey.set(manifest.key, { key: manifest.key, manifest, constructor });
        if (!byPrototype.has(prototype)) byPrototype.set(prototype, manifest.key);
    }

    return {
        keyOf(value: object): string | undefined
        {
            for (let prototype: object | null = Object.getPrototypeOf(value); prototype !== null; prototype = Object.getPrototypeOf(prototype))
            {
                const key = byPrototype.get(prototype);
                if (key !== undefined) return key;
            }
            return undefined;
        },

        get(key: string): RegisteredClass | undefined
        {
            return byKey.get(key);
        },

        keyFromSource(name: string, source: string): string | undefined
        {
            const module = modulePath(source);
            for (const registered of byKey.values())
            {
                if (registered.manifest.module !== module) continue;
                if (registered.manifest.exportName === name || className(registered) === name) return registered.key;
            }
            return undefined;
        }
    };
}
