import { ts } from '#ts-morph';

import type { JsonSchema, JsonType, JsonValue } from '../../runtime/manifest.js';
import { withArticle } from '../../runtime/wording.js';
import { BUILTIN_CLASSES, UNSENDABLE_BUILTINS } from './builtins.js';
import { isHiddenMember } from './members.js';

/** What the generator needs to know of the app around the types it describes. */
export interface SchemaHost
{
    readonly checker: ts.TypeChecker;
    /** Whether a declaration is the app's own code (as opposed to a standard or third-party library). */
    isAppDeclaration(declaration: ts.Declaration): boolean;
    /** A prefix that makes definition keys unique across modules (`domain.types`), for app declarations. */
    qualifierOf(declaration: ts.Declaration): string | undefined;
    /** The key of a class that can cross the wire, or why it cannot. */
    classKey(symbol: ts.Symbol): { key: string } | { problem: string };
}

export interface SchemaProblem
{
    severity: 'error' | 'warning';
    /** Where inside the described value: `` for the value itself, `.address.street`, `[]`, `[1]`. */
    path: string;
    message: string;
    /** Set when the value is an instance of a class that cannot be rebuilt on the other side. */
    unregisteredClass?: true;
}

type Problems = SchemaProblem[];

const UNDEFINED_FLAGS = ts.TypeFlags.Undefined | ts.TypeFlags.Void;
const PRIMITIVE_FLAGS = ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike;

/**
 * Turns TypeScript types into JSON Schemas of the values that cross the wire.
 *
 * Named object types (interfaces, classes' shapes, aliases) become shared definitions referenced with
 * `$ref`, which keeps the manifest small and lets recursive types end. One generator serves a whole build,
 * so every procedure shares the same definitions.
 */
export class SchemaGenerator
{
    readonly definitions: Record<string, JsonSchema> = {};

    readonly #host: SchemaHost;
    readonly #checker: ts.TypeChecker;
    readonly #keyOfType = new Map<ts.Type, string>();
    readonly #problemsOfDefinition = new Map<string, Problems>();

    constructor(host: SchemaHost)
    {
        this.#host = host;
        this.#checker = host.checker;
    }

    /**
     * The schema of `type`; what cannot cross the wire lands in `problems`. With `optional`, an undefined
     * in the type is left out: an absent value already says "undefined".
     */
    generate(type: ts.Type, problems: Problems, optional = false): JsonSchema
    {
        return optional ? this.#convertPresent(type, '', problems) : this.#convert(type, '', problems);
    }

    includesUndefined(type: ts.Type): boolean
    {
        if ((type.flags & UNDEFINED_FLAGS) !== 0) return true;
        return type.isUnion() && type.types.some(member => (member.flags & UNDEFINED_FLAGS) !== 0);
    }

    #convertPresent(type: ts.Type, path: string, problems: Problems): JsonSchema
    {
        if (!type.isUnion() || !this.includesUndefined(type)) return this.#convert(type, path, problems);
        return this.#union(type.types.filter(member => !(member.flags & UNDEFINED_FLAGS)), path, problems);
    }

    #convert(type: ts.Type, path: string, problems: Problems): JsonSchema
    {
        const flags = type.flags;

        if (isErrorType(type))
        {
            problems.push({ severity: 'error', path, message: 'its type could not be resolved (a missing import or declaration?)' });
            return {};
        }
        if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
        if (flags & ts.TypeFlags.Never) return { not: {} };
        if (flags & UNDEFINED_FLAGS) return { jitarType: 'undefined' };
        if (flags & ts.TypeFlags.Null) return { type: 'null' };
        if (flags & ts.TypeFlags.TypeParameter)
        {
            const constraint = this.#checker.getBaseConstraintOfType(type);
            return constraint === undefined || constraint === type ? {} : this.#convert(constraint, path, problems);
        }
        if (type.isUnion() && !this.#isNamed(type)) return this.#union(type.types, path, problems);
        if (flags & (ts.TypeFlags.Literal | ts.TypeFlags.EnumLiteral) && !type.isUnion()) return this.#literal(type);
        if (flags & ts.TypeFlags.StringLike) return { type: 'string' };
        if (flags & ts.TypeFlags.NumberLike) return { type: 'number' };
        if (flags & ts.TypeFlags.BooleanLike) return { type: 'boolean' };
        if (flags & ts.TypeFlags.BigIntLike) return { jitarType: 'bigint' };
        if (flags & ts.TypeFlags.ESSymbolLike)
        {
            problems.push({ severity: 'error', path, message: 'a symbol cannot cross the wire' });
            return {};
        }
        if (flags & ts.TypeFlags.NonPrimitive) return { type: ['object', 'array'] };

        if (type.isIntersection())
        {
            // A branded primitive (`string & { __brand: 'Id' }`) travels as the primitive.
            const primitive = type.types.find(member => (member.flags & PRIMITIVE_FLAGS) !== 0);
            if (primitive !== undefined) return this.#convert(primitive, path, problems);
        }

        if (this.#isNamed(type)) return this.#reference(type, path, problems);
        if (type.isUnion()) return this.#union(type.types, path, problems);
        if (flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) return this.#object(type, path, problems);

        problems.push({ severity: 'warning', path, message: `type '${this.#checker.typeToString(type)}' has no JSON Schema; any value is accepted` });
        return {};
    }

    #literal(type: ts.Type): JsonSchema
    {
        const value = this.#literalValue(type);
        if (value === undefined) return type.flags & ts.TypeFlags.BigIntLiteral ? { jitarType: 'bigint' } : {};
        return { const: value };
    }

    #literalValue(type: ts.Type): JsonValue | undefined
    {
        if (type.isStringLiteral() || type.isNumberLiteral()) return type.value;
        if (type.flags & ts.TypeFlags.BooleanLiteral) return this.#checker.typeToString(type) === 'true';
        return undefined;
    }

    #union(members: readonly ts.Type[], path: string, problems: Problems): JsonSchema
    {
        const hasTrue = members.some(member => member.flags & ts.TypeFlags.BooleanLiteral && this.#literalValue(member) === true);
        const hasFalse = members.some(member => member.flags & ts.TypeFlags.BooleanLiteral && this.#literalValue(member) === false);
        const collapseBoolean = hasTrue && hasFalse;

        const literals: JsonValue[] = [];
        const schemas: JsonSchema[] = [];
        for (const member of members)
        {
            if (collapseBoolean && member.flags & ts.TypeFlags.BooleanLiteral) continue;
            const literal = member.flags & (ts.TypeFlags.Literal | ts.TypeFlags.EnumLiteral) ? this.#literalValue(member) : undefined;
            if (literal !== undefined) literals.push(literal);
            else if (member.flags & ts.TypeFlags.Null) literals.push(null);
            else schemas.push(this.#convert(member, path, problems));
        }
        if (collapseBoolean) schemas.push({ type: 'boolean' });
        if (literals.length > 0) schemas.unshift(literals.length === 1 ? { const: literals[0] } : { enum: literals });

        return mergeSimpleTypes(schemas);
    }

    /** Named types become shared definitions; recursion ends at the reference to a definition in progress. */
    #isNamed(type: ts.Type): boolean
    {
        if (type.aliasSymbol !== undefined) return !(type.flags & PRIMITIVE_FLAGS) || type.isUnion();
        if (!(type.flags & ts.TypeFlags.Object)) return false;
        if (type.flags & ts.TypeFlags.EnumLike) return true;
        const symbol = type.getSymbol();
        if (symbol === undefined) return false;
        if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) return !this.#checker.isArrayType(type) && !this.#checker.isTupleType(type);
        return false;
    }

    #reference(type: ts.Type, path: string, problems: Problems): JsonSchema
    {
        const special = this.#special(type, path, problems);
        if (special !== undefined) return special;

        const known = this.#keyOfType.get(type);
        if (known !== undefined)
        {
            // The definition is shared, so its problems belong to every value that uses it.
            for (const problem of this.#problemsOfDefinition.get(known) ?? []) problems.push({ ...problem, path: path + problem.path });
            return { $ref: `#/$defs/${known}` };
        }

        const key = this.#reserveKey(type);
        this.#keyOfType.set(type, key);
        const own: Problems = [];
        this.#problemsOfDefinition.set(key, own);
        this.definitions[key] = {};
        this.definitions[key] = type.isUnion() ? this.#union(type.types, '', own) : this.#object(type, '', own);
        for (const problem of own) problems.push({ ...problem, path: path + problem.path });
        return { $ref: `#/$defs/${key}` };
    }

    /** Built-in classes, classes of the app, and library types that cannot travel. */
    #special(type: ts.Type, path: string, problems: Problems): JsonSchema | undefined
    {
        const symbol = type.getSymbol();
        if (symbol === undefined || type.aliasSymbol !== undefined && !(symbol.flags & ts.SymbolFlags.Class)) return undefined;
        const declaration = symbol.declarations?.[0];
        if (declaration === undefined) return undefined;

        if (!this.#host.isAppDeclaration(declaration))
        {
            const builtin = BUILTIN_CLASSES.get(symbol.name);
            if (builtin === 'Map' || builtin === 'Set')
            {
                const args = this.#checker.getTypeArguments(type as ts.TypeReference);
                const items = args[builtin === 'Map' ? 1 : 0];
                const schema: JsonSchema = { jitarType: builtin };
                if (builtin === 'Map' && args[0] !== undefined) schema.jitarKeys = this.#convert(args[0], `${path}<key>`, problems);
                if (items !== undefined) schema.jitarItems = this.#convert(items, `${path}<value>`, problems);
                return schema;
            }
            if (builtin !== undefined) return { jitarType: builtin };
            if (UNSENDABLE_BUILTINS.has(symbol.name))
            {
                problems.push({ severity: 'error', path, message: `${withArticle(symbol.name)} cannot cross the wire` });
                return {};
            }
        }

        if (symbol.flags & ts.SymbolFlags.Class)
        {
            const result = this.#host.classKey(symbol);
            if ('key' in result) return { jitarClass: result.key };
            problems.push({ severity: 'error', path, message: result.problem, unregisteredClass: true });
            return {};
        }
        return undefined;
    }

    #object(type: ts.Type, path: string, problems: Problems): JsonSchema
    {
        if (this.#checker.isArrayType(type))
        {
            const [element] = this.#checker.getTypeArguments(type as ts.TypeReference);
            return { type: 'array', items: element === undefined ? {} : this.#convert(element, `${path}[]`, problems) };
        }
        if (this.#checker.isTupleType(type)) return this.#tuple(type as ts.TupleTypeReference, path, problems);

        if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0)
        {
            problems.push({ severity: 'error', path, message: 'a function cannot cross the wire' });
            return {};
        }

        const properties: Record<string, JsonSchema> = {};
        const required: string[] = [];
        for (const property of this.#checker.getPropertiesOfType(type))
        {
            if (isHiddenMember(property)) continue;
            const name = property.getName();
            const memberPath = `${path}.${name}`;
            if (property.flags & ts.SymbolFlags.Method)
            {
                problems.push({ severity: 'error', path: memberPath, message: 'a method cannot cross the wire' });
                continue;
            }
            const propertyType = this.#checker.getTypeOfSymbol(property);
            const optional = (property.flags & ts.SymbolFlags.Optional) !== 0 || this.includesUndefined(propertyType);
            properties[name] = optional ? this.#convertPresent(propertyType, memberPath, problems) : this.#convert(propertyType, memberPath, problems);
            if (!optional) required.push(name);
        }

        const schema: JsonSchema = { type: 'object' };
        if (Object.keys(properties).length > 0) schema.properties = properties;
        if (required.length > 0) schema.required = required;
        const indexes = this.#checker.getIndexInfosOfType(type);
        const index = indexes.find(info => info.keyType.flags & ts.TypeFlags.String) ?? indexes[0];
        schema.additionalProperties = index === undefined ? false : this.#convert(index.type, `${path}[key]`, problems);
        return schema;
    }

    #tuple(type: ts.TupleTypeReference, path: string, problems: Problems): JsonSchema
    {
        const elements = this.#checker.getTypeArguments(type);
        const flags = type.target.elementFlags;
        const prefixItems: JsonSchema[] = [];
        let minItems = 0;
        let rest: JsonSchema | undefined;

        elements.forEach((element, index) =>
        {
            const elementFlags = flags[index] ?? ts.ElementFlags.Required;
            if (elementFlags & ts.ElementFlags.Variable)
            {
                // A variadic element is the array it spreads; its items are the rest's items.
                rest = elementFlags & ts.ElementFlags.Rest
                    ? this.#convert(element, `${path}[${index}]`, problems)
                    : this.#convert(element, `${path}[${index}]`, problems).items as JsonSchema | undefined ?? {};
                return;
            }
            const required = (elementFlags & ts.ElementFlags.Required) !== 0;
            prefixItems.push(required ? this.#convert(element, `${path}[${index}]`, problems) : this.#convertPresent(element, `${path}[${index}]`, problems));
            if (required) minItems = prefixItems.length;
        });

        const schema: JsonSchema = { type: 'array', prefixItems, minItems, items: rest ?? false };
        if (rest === undefined) schema.maxItems = prefixItems.length;
        return schema;
    }

    #reserveKey(type: ts.Type): string
    {
        const base = sanitizeKey(this.#nameOf(type));
        let key = base;
        for (let counter = 2; Object.hasOwn(this.definitions, key); counter++) key = `${base}_${counter}`;
        return key;
    }

    #nameOf(type: ts.Type): string
    {
        const symbol = type.aliasSymbol ?? type.getSymbol();
        if (symbol === undefined) return 'Anonymous';
        const declaration = symbol.declarations?.[0];
        const qualifier = declaration === undefined ? undefined : this.#host.qualifierOf(declaration);
        const name = qualifier === undefined ? symbol.getName() : `${qualifier}.${symbol.getName()}`;
        const args = type.aliasSymbol !== undefined
            ? type.aliasTypeArguments ?? []
            : type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference
                ? this.#checker.getTypeArguments(type as ts.TypeReference)
                : [];
        return args.length === 0 ? name : `${name}_${args.map(arg => shortName(this.#checker, arg)).join('_')}`;
    }
}

/** The checker's stand-in for a type it could not resolve; it behaves as `any`, which would hide the mistake. */
function isErrorType(type: ts.Type): boolean
{
    return (type.flags & ts.TypeFlags.Any) !== 0 && (type as ts.Type & { intrinsicName?: string }).intrinsicName === 'error';
}

function shortName(checker: ts.TypeChecker, type: ts.Type): string
{
    return (type.aliasSymbol ?? type.getSymbol())?.getName() ?? checker.typeToString(type);
}

function sanitizeKey(name: string): string
{
    return name.replace(/[^A-Za-z0-9_.$-]+/g, '_');
}

/** `string | null` reads better as `{ type: ['string', 'null'] }` than as an anyOf, and validates faster. */
function mergeSimpleTypes(schemas: JsonSchema[]): JsonSchema
{
    if (schemas.length === 1) return schemas[0];
    const simple = schemas.every(schema => Object.keys(schema).length === 1 && schema.type !== undefined);
    if (simple)
    {
        const types = [...new Set(schemas.flatMap(schema => schema.type as JsonType | JsonType[]))];
        return { type: types.length === 1 ? types[0] : types };
    }
    return { anyOf: schemas };
}
