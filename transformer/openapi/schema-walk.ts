import type { JsonSchema } from '../../runtime/manifest.js';

const DEFINITION = '#/$defs/';

/** The key of a `#/$defs/<key>` reference, or undefined for a schema that is no reference. */
export function definitionKey(schema: JsonSchema): string | undefined
{
    return schema.$ref?.startsWith(DEFINITION) === true ? schema.$ref.slice(DEFINITION.length) : undefined;
}

/** The schemas directly inside `schema` (not through references). */
export function childSchemas(schema: JsonSchema): JsonSchema[]
{
    const children: JsonSchema[] = [...schema.anyOf ?? [], ...schema.prefixItems ?? [], ...Object.values(schema.properties ?? {})];
    for (const child of [schema.not, schema.items, schema.additionalProperties, schema.jitarKeys, schema.jitarItems])
    {
        if (typeof child === 'object') children.push(child);
    }
    return children;
}

/**
 * Whether `schema`, or any schema it reaches (through the shared definitions too), matches `test`.
 * Each definition is visited once, so recursive types end.
 */
export function reaches(schema: JsonSchema, definitions: Readonly<Record<string, JsonSchema>>, test: (schema: JsonSchema) => boolean, visited = new Set<string>()): boolean
{
    if (test(schema)) return true;
    const key = definitionKey(schema);
    if (key !== undefined)
    {
        if (visited.has(key)) return false;
        visited.add(key);
        const definition = definitions[key];
        return definition !== undefined && reaches(definition, definitions, test, visited);
    }
    return childSchemas(schema).some(child => reaches(child, definitions, test, visited));
}
