import type { JsonSchema, Manifest, ProcedureManifest, WireName } from '../../runtime/manifest.js';
import { compareVersions } from '../../runtime/procedure-versions.js';
import { errorResponse, errorStatuses, resultResponse } from './answers.js';
import type { OpenApiDocument, OpenApiOperation, OpenApiParameter, OpenApiResponseOrRef, OpenApiSchema } from './openapi-types.js';
import { definitionKey } from './schema-walk.js';
import { WireSchemas, type Encoding } from './wire-schemas.js';

export interface OpenApiInfo
{
    /** The app's name (its package.json's, else its folder's). */
    title: string;
    /** The app's version (its package.json's, else 0.0.0). */
    version: string;
}

const TRUST_KEY = 'trustKey';

/**
 * The OpenAPI 3.1 document of an app's RPC API, from its manifest alone: every public and protected
 * procedure at `/rpc/<fqn>` (POST with a JSON object of arguments by name; GET too when every argument
 * fits a query string), the version and encoding headers, the answers and the error statuses.
 *
 * Several versions of one FQN share a path: the operation describes the latest one, the version header's
 * enum lists them all, and `x-jitar-versions` holds the schemas of the others.
 */
export function openApiDocument(manifest: Manifest, info: OpenApiInfo): OpenApiDocument
{
    const wire = new WireSchemas(manifest);
    const document: OpenApiDocument = {
        openapi: '3.1.0',
        info: {
            title: info.title,
            version: info.version,
            description: `The RPC API of ${info.title}, written by jitar-compile from the procedures' TypeScript types (the schemas jitar's runtime validates arguments with).`
        },
        paths: {},
        components: {
            schemas: wire.components,
            responses: {},
            securitySchemes: {
                [TRUST_KEY]: { type: 'apiKey', in: 'header', name: 'x-jitar-trust-key', description: 'The trust key of the app\'s segments (the service file\'s trustKey): protected procedures answer only requests that carry it.' }
            }
        },
        tags: manifest.segments.map(segment => ({ name: segment.name, description: `Segment ${segment.name} (${segment.file})` }))
    };

    const operationIds = new Set<string>();
    const errorRef = (status: number, encoding: Encoding): OpenApiResponseOrRef =>
    {
        const name = `Error${status}${encoding === 'serialized' ? '.serialized' : ''}`;
        document.components.responses[name] ??= errorResponse(status, manifest, encoding, wire);
        return { $ref: `#/components/responses/${name}` };
    };

    for (const [fqn, versions] of exposedProcedures(manifest))
    {
        const latest = versions[versions.length - 1];
        const encoding: Encoding = versions.some(procedure => wire.needsSerialized(wireNamesOf(procedure).map(name => name.schema), procedure.result)) ? 'serialized' : 'plain';
        const id = uniqueId(operationName(fqn), operationIds);
        const protectedness = versions.every(procedure => procedure.access === 'protected') ? 'all' : versions.some(procedure => procedure.access === 'protected') ? 'some' : 'none';

        const responses: Record<string, OpenApiResponseOrRef> = { 200: resultResponse(latest.result, manifest, encoding, wire) };
        for (const status of errorStatuses(manifest, protectedness !== 'none')) responses[status] = errorRef(status, encoding);

        const headers = headerParameters(versions, encoding);
        const older = versions.slice(0, -1);
        const operation = (operationId: string, parameters: OpenApiParameter[]): OpenApiOperation => ({
            operationId,
            summary: `${fqn}@${latest.version}`,
            description: describe(manifest, versions, encoding),
            tags: [...new Set(versions.flatMap(procedure => procedure.segments))],
            parameters,
            responses,
            ...protectedness === 'all' ? { security: [{ [TRUST_KEY]: [] }] } : protectedness === 'some' ? { security: [{}, { [TRUST_KEY]: [] }] } : {},
            ...older.length > 0 ? {
                'x-jitar-versions': Object.fromEntries(older.map(procedure => [procedure.version, {
                    access: procedure.access,
                    arguments: argumentsSchema(procedure, encoding, wire),
                    result: wire.of(procedure.result, encoding)
                }]))
            } : {}
        });

        const names = wireNamesOf(latest);
        const post = operation(id, headers);
        // The runtime takes a POST only with a JSON object body: `{}` when there is nothing to send.
        post.requestBody = {
            required: true,
            content: { 'application/json': { schema: argumentsSchema(latest, encoding, wire) } }
        };
        const path: OpenApiDocument['paths'][string] = { post };
        if (encoding === 'plain' && names.every(name => fitsQuery(name.schema, manifest)))
        {
            const query = names.map((name): OpenApiParameter => ({ name: name.name, in: 'query', required: !name.optional, schema: wire.of(name.schema, encoding) }));
            path.get = operation(uniqueId(`${id}ViaGet`, operationIds), [...query, ...headers]);
        }
        document.paths[`/rpc/${fqn}`] = path;
    }
    return document;
}

/** The public and protected implementations per FQN, oldest version first. */
function exposedProcedures(manifest: Manifest): Map<string, ProcedureManifest[]>
{
    const byFqn = new Map<string, ProcedureManifest[]>();
    for (const procedure of manifest.procedures)
    {
        if (procedure.access === 'private') continue;
        byFqn.set(procedure.fqn, [...byFqn.get(procedure.fqn) ?? [], procedure]);
    }
    for (const versions of byFqn.values()) versions.sort((a, b) => compareVersions(a.version, b.version));
    return byFqn;
}

function wireNamesOf(procedure: ProcedureManifest): WireName[]
{
    return procedure.parameters.flatMap(parameter => parameter.names);
}

/** The arguments of a call as one JSON object, by wire name. */
function argumentsSchema(procedure: ProcedureManifest, encoding: Encoding, wire: WireSchemas): OpenApiSchema
{
    const names = wireNamesOf(procedure);
    return {
        type: 'object',
        properties: Object.fromEntries(names.map(name => [name.name, wire.of(name.schema, encoding)])),
        required: names.filter(name => !name.optional).map(name => name.name),
        additionalProperties: false
    };
}

function headerParameters(versions: readonly ProcedureManifest[], encoding: Encoding): OpenApiParameter[]
{
    const parameters: OpenApiParameter[] = [];
    const numbers = versions.map(procedure => procedure.version);
    // Without the header a request asks for 0.0.0 (COMPAT.md): other versions must be named.
    if (numbers.length > 1 || numbers[0] !== '0.0.0')
    {
        parameters.push({
            name: 'x-jitar-procedure-version',
            in: 'header',
            required: !numbers.includes('0.0.0'),
            description: 'The version to call: the exact one, else the greatest one below it. The operation describes the latest; x-jitar-versions describes the others.',
            schema: { type: 'string', enum: numbers, default: numbers[numbers.length - 1] }
        });
    }
    if (encoding === 'serialized')
    {
        parameters.push({
            name: 'x-jitar-data-encoding',
            in: 'header',
            required: true,
            description: 'Arguments and result in the serialized encoding (as `?serialize=true` asks): instances of classes, Dates, Maps and other values JSON cannot carry travel in their serialized forms.',
            schema: { type: 'string', enum: ['serialized'] }
        });
    }
    return parameters;
}

/** Whether a value can be sent as query-string text, which the runtime converts to the declared type. */
function fitsQuery(schema: JsonSchema, manifest: Manifest, inArray = false): boolean
{
    const key = definitionKey(schema);
    if (key !== undefined) return fitsQuery(manifest.$defs[key] ?? {}, manifest, inArray);
    if (schema.jitarType === 'bigint' || schema.jitarType === 'Date') return !inArray;
    if (schema.jitarType !== undefined || schema.jitarClass !== undefined) return false;
    if (schema.anyOf !== undefined) return schema.anyOf.every(member => member.jitarType === 'undefined' || fitsQuery(member, manifest, inArray));
    const values = schema.const !== undefined ? [schema.const] : schema.enum;
    if (values !== undefined) return values.every(value => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean');
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length === 1 && types[0] === 'array' && !inArray && typeof schema.items === 'object') return fitsQuery(schema.items, manifest, true);
    return types.length > 0 && types.every(type => type === 'string' || type === 'number' || type === 'integer' || type === 'boolean');
}

function describe(manifest: Manifest, versions: readonly ProcedureManifest[], encoding: Encoding): string
{
    const latest = versions[versions.length - 1];
    const lines = [`${latest.access === 'protected' ? 'Protected' : 'Public'} procedure \`${latest.fqn}\`, declared in ${manifest.source}/${latest.file}:${latest.position.line}.`];
    if (versions.length > 1) lines.push(`Versions: ${versions.map(procedure => `${procedure.version} (${procedure.access})`).join(', ')}; this operation describes ${latest.version}.`);
    if (encoding === 'serialized') lines.push('Its values travel in the serialized encoding: send `x-jitar-data-encoding: serialized`.');
    return lines.join('\n\n');
}

/** `domain/order/placeOrder` gives `domainOrderPlaceOrder`. */
function operationName(fqn: string): string
{
    const name = fqn.replace(/[^A-Za-z0-9]+([A-Za-z0-9]?)/g, (_match, next: string) => next.toUpperCase());
    return /^[A-Za-z_]/.test(name) ? name : `call${name}`;
}

function uniqueId(name: string, taken: Set<string>): string
{
    let id = name;
    for (let count = 2; taken.has(id); count++) id = `${name}${count}`;
    taken.add(id);
    return id;
}
