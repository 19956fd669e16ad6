import type { ClassManifest, JsonSchema, Manifest } from '../../runtime/manifest.js';
import type { OpenApiSchema } from './openapi-types.js';
import { reaches, definitionKey } from './schema-walk.js';
import { BUILT_IN_FORMS, builtInFormName, classForm, containerForm } from './serialized-forms.js';

/**
 * How values travel: `plain` is JSON as it is (a Date as ISO text, a bigint as its digits), `serialized`
 * (`x-jitar-data-encoding: serialized`) carries what JSON cannot in the forms of serialized-forms.ts.
 */
export type Encoding = 'plain' | 'serialized';

/** A manifest schema reaches something only the serialized encoding carries faithfully. */
const isSpecial = (schema: JsonSchema): boolean => schema.jitarClass !== undefined || (schema.jitarType !== undefined && schema.jitarType !== 'undefined');

/**
 * Translates the manifest's schemas, with their keywords of ours, into standard JSON Schema of the values
 * on the wire, and collects what they reference as OpenAPI components: the shared definitions (per
 * encoding, when they differ), the built-in serialized forms and the registered classes.
 */
export class WireSchemas
{
    readonly components: Record<string, OpenApiSchema> = {};
    readonly #manifest: Manifest;
    readonly #classes: ReadonlyMap<string, ClassManifest>;
    readonly #encodingDependent = new Map<string, boolean>();

    constructor(manifest: Manifest)
    {
        this.#manifest = manifest;
        this.#classes = new Map(manifest.classes.map(item => [item.key, item]));
    }

    /**
     * Whether a call needs the serialized encoding: when an argument holds anything but JSON and a
     * top-level Date or bigint (which plain calls send as text), or the result is something plain JSON
     * loses (a class instance, a Map, an error ...).
     */
    needsSerialized(argumentSchemas: readonly JsonSchema[], result: JsonSchema): boolean
    {
        const topLevelText = (schema: JsonSchema): boolean => schema.jitarType === 'bigint' || schema.jitarType === 'Date';
        if (argumentSchemas.some(schema => !topLevelText(schema) && this.#reaches(schema, isSpecial))) return true;
        const lossy = (schema: JsonSchema): boolean => schema.jitarClass !== undefined
            || (schema.jitarType !== undefined && !['undefined', 'bigint', 'Date', 'URL'].includes(schema.jitarType));
        return this.#reaches(result, lossy);
    }

    /** A value's schema on the wire. */
    of(schema: JsonSchema, encoding: Encoding): OpenApiSchema
    {
        const key = definitionKey(schema);
        if (key !== undefined) return this.#definition(key, encoding);
        if (schema.jitarClass !== undefined) return this.#instance(schema.jitarClass, encoding);
        if (schema.jitarType !== undefined) return this.#builtIn(schema, encoding);

        const result: OpenApiSchema = {};
        if (schema.type !== undefined) result.type = schema.type;
        if (schema.const !== undefined) result.const = schema.const;
        if (schema.enum !== undefined) result.enum = schema.enum;
        if (schema.description !== undefined) result.description = schema.description;
        if (schema.anyOf !== undefined)
        {
            // `undefined` is how TypeScript says "may be left out": the property's absence says it on the wire.
            const present = schema.anyOf.filter(member => member.jitarType !== 'undefined').map(member => this.of(member, encoding));
            if (present.length === 1 && Object.keys(result).length === 0) return present[0];
            result.anyOf = present;
        }
        if (schema.not !== undefined) result.not = this.of(schema.not, encoding);
        if (schema.properties !== undefined) result.properties = Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, this.of(property, encoding)]));
        if (schema.required !== undefined) result.required = schema.required;
        if (schema.additionalProperties !== undefined) result.additionalProperties = typeof schema.additionalProperties === 'boolean' ? schema.additionalProperties : this.of(schema.additionalProperties, encoding);
        if (schema.prefixItems !== undefined) result.prefixItems = schema.prefixItems.map(item => this.of(item, encoding));
        if (schema.items !== undefined) result.items = typeof schema.items === 'boolean' ? schema.items : this.of(schema.items, encoding);
        if (schema.minItems !== undefined) result.minItems = schema.minItems;
        if (schema.maxItems !== undefined) result.maxItems = schema.maxItems;
        return result;
    }

    /** Any thrown error in the serialized encoding: the built-in form, or a registered error class. */
    error(status: number): OpenApiSchema
    {
        const classes = this.#manifest.classes.filter(item => item.status === status).map(item => this.#instance(item.key, 'serialized'));
        const builtIn = this.#component('Serialized.Error', () => BUILT_IN_FORMS.Error);
        return classes.length === 0 ? builtIn : { anyOf: [builtIn, ...classes] };
    }

    #reaches(schema: JsonSchema, test: (schema: JsonSchema) => boolean): boolean
    {
        return reaches(schema, this.#manifest.$defs, test);
    }

    #definition(key: string, encoding: Encoding): OpenApiSchema
    {
        const definition = this.#manifest.$defs[key] ?? {};
        let dependent = this.#encodingDependent.get(key);
        if (dependent === undefined)
        {
            dependent = this.#reaches(definition, isSpecial);
            this.#encodingDependent.set(key, dependent);
        }
        const name = componentName(key) + (dependent && encoding === 'serialized' ? '.serialized' : '');
        return this.#component(name, () => this.of(definition, encoding));
    }

    /** A `$ref` to a component, made on first use (before its schema, which may refer back to it). */
    #component(name: string, make: () => OpenApiSchema): OpenApiSchema
    {
        if (!(name in this.components))
        {
            this.components[name] = {};
            this.components[name] = make();
        }
        return { $ref: `#/components/schemas/${name}` };
    }

    #instance(key: string, encoding: Encoding): OpenApiSchema
    {
        const item = this.#classes.get(key);
        if (encoding === 'plain' || item === undefined)
        {
            // A plain answer carries an instance as JSON.stringify writes it: its own enumerable fields.
            return { type: 'object', description: `An instance of class ${key}, as plain JSON (its own fields); ask for the serialized encoding to get its class.` };
        }
        // A parameter of a class takes instances of its registered subclasses too.
        const subclasses = this.#manifest.classes.filter(candidate => this.#extends(candidate, key));
        const own = this.#component(`class.${componentName(key)}`, () => classForm(item));
        if (subclasses.length === 0) return own;
        return this.#component(`class.${componentName(key)}.any`, () => ({
            anyOf: [own, ...subclasses.map(subclass => this.#component(`class.${componentName(subclass.key)}`, () => classForm(subclass)))]
        }));
    }

    #extends(item: ClassManifest, ancestor: string): boolean
    {
        for (let parent = item.extends; parent !== undefined; parent = this.#classes.get(parent)?.extends)
        {
            if (parent === ancestor) return true;
        }
        return false;
    }

    #builtIn(schema: JsonSchema, encoding: Encoding): OpenApiSchema
    {
        const type = schema.jitarType;
        switch (type)
        {
            case undefined:
            case 'undefined': return { not: {}, description: 'undefined: left out' };
            case 'Map':
            case 'Set':
                if (encoding === 'plain') return { type: 'object', description: `A ${type}: an empty object in plain JSON; ask for the serialized encoding to get its content.` };
                return containerForm(type, schema.jitarKeys === undefined ? {} : this.of(schema.jitarKeys, encoding), schema.jitarItems === undefined ? {} : this.of(schema.jitarItems, encoding));
        }
        if (encoding === 'plain')
        {
            if (type === 'Date') return { type: 'string', format: 'date-time' };
            if (type === 'bigint') return { type: 'string', pattern: '^-?[0-9]+$', description: 'A bigint, as its decimal digits.' };
            if (type === 'URL') return { type: 'string', format: 'uri' };
            return { type: 'object', description: `${type} as plain JSON writes it; ask for the serialized encoding to get it whole.` };
        }
        const name = builtInFormName(type);
        const form = this.#component(`Serialized.${name}`, () => BUILT_IN_FORMS[name]);
        return name === 'TypedArray' || (name === 'Error' && type !== 'Error') ? { type: 'object', allOf: [form], properties: { type: { const: type } } } : form;
    }
}

/** OpenAPI's component names allow letters, digits, `.`, `-` and `_`. */
function componentName(key: string): string
{
    return key.replace(/[^A-Za-z0-9._-]/g, '.');
}
