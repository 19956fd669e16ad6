import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { ACCESS_LEVELS, type Access, type SourceLocation } from '../../runtime/manifest.js';
import { parseVersion } from '../../runtime/procedure-versions.js';
import { Codes, type DiagnosticBag } from '../diagnostics.js';
import type { DisplayPaths } from './display-paths.js';
import { configSchema, knownKeys, nearestKey } from '../../runtime/config/config-schemas.js';
import { describeJsonKind, jsonValue, nodeAt, parseJsonDocument, type JsonNode } from './json-document.js';

/** One `"export": { settings }` line of a segment file, with where each part was written. */
export interface SegmentEntry
{
    segment: string;
    /** The segment file as diagnostics show it. */
    segmentFile: string;
    moduleKey: string;
    moduleLocation: SourceLocation;
    exportName: string;
    exportLocation: SourceLocation;
    /** Settings as written; undefined when absent, so defaults and "written" stay apart. */
    access?: Access;
    version?: string;
    as?: string;
}

export interface SegmentFile
{
    name: string;
    path: string;
    entries: SegmentEntry[];
}

export function listJsonFiles(folder: string): string[]
{
    if (!existsSync(folder)) return [];
    return readdirSync(folder, { recursive: true, withFileTypes: true })
        .filter(entry => entry.isFile() && entry.name.endsWith('.json'))
        .map(entry => join(entry.parentPath, entry.name))
        .sort();
}

export function readSegmentFiles(folder: string, paths: DisplayPaths, diagnostics: DiagnosticBag): SegmentFile[]
{
    const files: SegmentFile[] = [];
    const seen = new Map<string, string>();
    const found = listJsonFiles(folder);
    if (found.length === 0)
    {
        diagnostics.warning(paths.at(folder), Codes.NoSegments, `No segment files in '${paths.display(folder)}': every module runs where it is imported`);
    }

    for (const path of found)
    {
        const name = basename(path, '.json');
        const display = paths.display(path);
        const earlier = seen.get(name);
        if (earlier !== undefined)
        {
            diagnostics.error(paths.at(path), Codes.InvalidConfigShape, `Segment '${name}' is defined twice: by '${earlier}' and by '${display}'`);
            continue;
        }
        seen.set(name, display);

        const document = parseJsonDocument(readFileSync(path, 'utf8'), display, diagnostics);
        if (document === undefined) continue;
        files.push({ name, path, entries: readEntries(name, display, document, diagnostics) });
    }
    return files;
}

/**
 * The entries of one segment file. The schema (schemas/segment.schema.json) checks the shape, the setting
 * keys, the access levels and the aliases, and every problem is reported at its place; an export whose
 * settings have a problem is left out, the others go on. The version, which the schema only types, is
 * parsed here.
 */
function readEntries(segment: string, segmentFile: string, document: JsonNode, diagnostics: DiagnosticBag): SegmentEntry[]
{
    const faulty = reportSchemaProblems(document, diagnostics);
    if (document.kind !== 'object' || faulty.has('')) return [];
    const modules = document.entries.filter(entry => entry.key !== '$schema');
    if (modules.length === 0)
    {
        diagnostics.warning(document.location, Codes.EmptySegment, `Segment '${segment}' names no modules`);
    }

    const entries: SegmentEntry[] = [];
    for (const moduleEntry of modules)
    {
        if (moduleEntry.value.kind !== 'object') continue;
        for (const exportEntry of moduleEntry.value.entries)
        {
            if (exportEntry.value.kind !== 'object') continue;
            const entry: SegmentEntry = {
                segment, segmentFile,
                moduleKey: moduleEntry.key, moduleLocation: moduleEntry.location,
                exportName: exportEntry.key, exportLocation: exportEntry.location
            };
            // Read also when the schema found a problem here, so that a bad version next to it is reported too.
            const usable = readSettings(entry, exportEntry.value, diagnostics);
            if (usable && !faulty.has(pointer(moduleEntry.key, exportEntry.key))) entries.push(entry);
        }
    }
    return entries;
}

const where = (entry: Pick<SegmentEntry, 'exportName' | 'moduleKey'>): string => `'${entry.exportName}' of '${entry.moduleKey}'`;

/** The JSON pointer of an export's settings, as Ajv writes it. */
const pointer = (...keys: string[]): string => keys.map(key => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/**
 * Reports every schema problem of the file at its key or value, and returns the pointers of what cannot
 * be used: `''` for the whole file, or an export's settings (`/module/export`).
 */
function reportSchemaProblems(document: JsonNode, diagnostics: DiagnosticBag): Set<string>
{
    const faulty = new Set<string>();
    const { validate } = configSchema('segment');
    if (validate(jsonValue(document))) return faulty;
    const told = new Set<string>();
    for (const error of validate.errors ?? [])
    {
        const parts = error.instancePath.split('/').slice(1).map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'));
        faulty.add(parts.length === 0 ? '' : pointer(...parts.slice(0, 2)));
        const found = nodeAt(document, error.instancePath);
        const node = found?.node ?? document;
        const entry = { moduleKey: parts[0], exportName: parts[1] };
        if (error.keyword === 'additionalProperties')
        {
            const key = String(error.params.additionalProperty);
            const known = knownKeys(error.parentSchema);
            const near = nearestKey(key, known);
            const location = node.kind === 'object' ? node.entries.find(candidate => candidate.key === key)?.location : undefined;
            diagnostics.error(location ?? node.location, Codes.UnknownKey, `Unknown key '${key}' in the settings of ${where(entry)}; known keys are ${known.join(', ')}${near === undefined ? '' : `; did you mean '${near}'?`}`);
            continue;
        }
        // One message per value (a wrong type fails more than one keyword).
        if (told.has(error.instancePath)) continue;
        told.add(error.instancePath);
        const value = describeJsonKind(node);
        if (parts[0] === '$schema') diagnostics.error(node.location, Codes.InvalidConfigShape, `'$schema' must be a string (the path or URL of the schema, for editors), not ${value}`);
        else if (parts.length === 0) diagnostics.error(node.location, Codes.InvalidConfigShape, `A segment file must hold an object of modules, not ${value}`);
        else if (parts.length === 1) diagnostics.error(node.location, Codes.InvalidConfigShape, `Module '${parts[0]}' must map export names to settings objects, not ${value}`);
        else if (parts.length === 2) diagnostics.error(node.location, Codes.InvalidConfigShape, `Settings of ${where(entry)} must be an object ({} for defaults), not ${value}`);
        else if (error.keyword === 'enum' && node.kind === 'string') diagnostics.error(node.location, Codes.InvalidAccess, `Invalid access '${node.value}' for ${where(entry)}; use ${ACCESS_LEVELS.join(', ')}`);
        else if (error.keyword === 'pattern' && node.kind === 'string') diagnostics.error(node.location, Codes.InvalidAlias, `Invalid alias '${node.value}' for ${where(entry)}; an alias is a plain name like 'getPerson'`);
        else diagnostics.error(node.location, Codes.InvalidConfigShape, `'${parts[2]}' of ${where(entry)} must be a string, not ${value}`);
    }
    return faulty;
}

/** Fills the entry's settings from settings the schema passed; false (and reported) when the version is not one. */
function readSettings(entry: SegmentEntry, settings: Extract<JsonNode, { kind: 'object' }>, diagnostics: DiagnosticBag): boolean
{
    for (const { key, value } of settings.entries)
    {
        if (value.kind !== 'string') continue;
        if (key === 'access') entry.access = ACCESS_LEVELS.find(level => level === value.value);
        else if (key === 'as') entry.as = value.value;
        else if (key === 'version')
        {
            // `1` and `1.2` are shorthands for `1.0.0` and `1.2.0`, as in the version request header.
            const version = value.value === '' ? undefined : parseVersion(value.value);
            if (version === undefined)
            {
                diagnostics.error(value.location, Codes.InvalidVersion, `Invalid version '${value.value}' for ${where(entry)}; use major.minor.patch, like 1.0.0`);
                return false;
            }
            entry.version = version;
        }
    }
    return true;
}
