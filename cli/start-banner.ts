import type { JsonSchema, JsonValue, ProcedureManifest, WireName } from '../runtime/manifest.js';
import { VERSION_HEADER } from '../runtime/procedure-versions.js';

/** What a started service tells about itself. */
export interface ServedProcedures
{
    url: string;
    procedures: readonly ProcedureManifest[];
}

/**
 * What `jitar start` prints once the service listens: where it serves, each procedure with its version,
 * access and parameters, and a curl line that works as printed (see exampleCall).
 */
export function startBanner(jitarVersion: string, service: ServedProcedures): string[]
{
    const lines = [`jitar ${jitarVersion} serves ${service.url}`];
    if (service.procedures.length === 0) return lines;

    const names = service.procedures.map(procedure => `${procedure.fqn}@${procedure.version}`);
    const width = Math.max(...names.map(name => name.length));
    lines.push('RPC procedures:');
    service.procedures.forEach((procedure, index) =>
    {
        lines.push(`  ${names[index].padEnd(width)}   ${procedure.access.padEnd(9)}  (${wireNames(procedure).map(describeName).join(', ')})`);
    });
    const example = exampleCall(service);
    if (example !== undefined) lines.push(`Try: ${example}`);
    return lines;
}

/**
 * A curl command line for one public procedure, its required arguments as query strings with values that
 * their schemas accept: the first procedure that needs no arguments, else the first whose arguments can all
 * be written so. None when no public procedure qualifies (protected ones need the trust key, which a
 * banner must not print).
 */
export function exampleCall(service: ServedProcedures): string | undefined
{
    const candidates = service.procedures.filter(procedure => procedure.access === 'public');
    const withoutArguments = candidates.find(procedure => required(procedure).length === 0);
    if (withoutArguments !== undefined) return curl(service.url, withoutArguments, []);
    for (const procedure of candidates)
    {
        const query: [string, string][] = [];
        for (const name of required(procedure))
        {
            const value = exampleValue(name.schema);
            if (value === undefined) break;
            query.push([name.name, String(value)]);
        }
        if (query.length === required(procedure).length) return curl(service.url, procedure, query);
    }
    return undefined;
}

function curl(url: string, procedure: ProcedureManifest, query: [string, string][]): string
{
    const search = query.length === 0 ? '' : `?${new URLSearchParams(query).toString()}`;
    const command = `curl ${shellQuote(`${url}/rpc/${encodeURI(procedure.fqn)}${search}`)}`;
    // No header means version 0.0.0: a versioned procedure needs it, an unversioned one reads better without.
    return procedure.version === '0.0.0' ? command : `${command} -H ${shellQuote(`${VERSION_HEADER}: ${procedure.version}`)}`;
}

function wireNames(procedure: ProcedureManifest): WireName[]
{
    return procedure.parameters.flatMap(parameter => parameter.names);
}

function required(procedure: ProcedureManifest): WireName[]
{
    return wireNames(procedure).filter(name => !name.optional && name.rest === undefined);
}

/** A rest name reads `...names` already, as callers send it. */
function describeName(name: WireName): string
{
    return `${name.name}${name.optional ? '?' : ''}`;
}

/** A value a query string can carry that the schema accepts; undefined for anything else (objects, classes, references). */
function exampleValue(schema: JsonSchema): string | number | boolean | undefined
{
    // Values of our own types (Dates, BigInts, classes) and narrowed ones are for a person to choose.
    if (schema.jitarType !== undefined || schema.jitarClass !== undefined || schema.not !== undefined) return undefined;
    if (schema.const !== undefined) return scalar(schema.const);
    if (schema.enum !== undefined) return schema.enum.map(scalar).find(value => value !== undefined);
    if (schema.anyOf !== undefined) return schema.anyOf.map(exampleValue).find(value => value !== undefined);
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    for (const type of types)
    {
        if (type === 'string') return 'example';
        if (type === 'number' || type === 'integer') return 1;
        if (type === 'boolean') return true;
    }
    return undefined;
}

function scalar(value: JsonValue): string | number | boolean | undefined
{
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/** One word for a POSIX shell: in single quotes, a single quote closed, escaped and reopened. */
function shellQuote(text: string): string
{
    return `'${text.replaceAll('\'', '\'\\\'\'')}'`;
}
