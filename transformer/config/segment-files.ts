import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { ACCESS_LEVELS, type Access, type SourceLocation } from '../../runtime/manifest.js';
import { parseVersion } from '../../runtime/procedure-versions.js';
import { Codes, type DiagnosticBag } from '../diagnostics.js';
import type { DisplayPaths } from './display-paths.js';
import { describeJsonKind, parseJsonDocument, type JsonNode } from './json-document.js';

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

const SETTING_KEYS = ['access', 'version', 'as'] as const;

const ALIAS_PATTERN = /^[A-Za-z_$][\w$]*$/;

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

function readEntries(segment: string, segmentFile: string, document: JsonNode, diagnostics: DiagnosticBag): SegmentEntry[]
{
    if (document.kind !== 'object')
    {
        diagnostics.error(document.location, Codes.InvalidConfigShape, `A segment file must hold an object of modules, not ${describeJsonKind(document)}`);
        return [];
    }
    if (document.entries.length === 0)
    {
        diagnostics.warning(document.location, Codes.EmptySegment, `Segment '${segment}' names no modules`);
    }

    const entries: SegmentEntry[] = [];
    for (const moduleEntry of document.entries)
    {
        if (moduleEntry.value.kind !== 'object')
        {
            diagnostics.error(moduleEntry.value.location, Codes.InvalidConfigShape, `Module '${moduleEntry.key}' must map export names to settings objects, not ${describeJsonKind(moduleEntry.value)}`);
            continue;
        }
        for (const exportEntry of moduleEntry.value.entries)
        {
            const entry: SegmentEntry = {
                segment, segmentFile,
                moduleKey: moduleEntry.key, moduleLocation: moduleEntry.location,
                exportName: exportEntry.key, exportLocation: exportEntry.location
            };
            if (readSettings(entry, exportEntry.value, diagnostics)) entries.push(entry);
        }
    }
    return entries;
}

/** Fills the entry's settings; false when they are unusable. Every problem is reported, not only the first. */
function readSettings(entry: SegmentEntry, settings: JsonNode, diagnostics: DiagnosticBag): boolean
{
    const where = `'${entry.exportName}' of '${entry.moduleKey}'`;
    if (settings.kind !== 'object')
    {
        diagnostics.error(settings.location, Codes.InvalidConfigShape, `Settings of ${where} must be an object ({} for defaults), not ${describeJsonKind(settings)}`);
        return false;
    }

    let valid = true;
    for (const { key, location, value } of settings.entries)
    {
        const known = SETTING_KEYS.find(candidate => candidate === key);
        if (known === undefined)
        {
            diagnostics.error(location, Codes.UnknownKey, `Unknown key '${key}' in the settings of ${where}; known keys are ${SETTING_KEYS.join(', ')}`);
            valid = false;
            continue;
        }
        if (value.kind !== 'string')
        {
            diagnostics.error(value.location, Codes.InvalidConfigShape, `'${key}' of ${where} must be a string, not ${describeJsonKind(value)}`);
            valid = false;
            continue;
        }

        switch (known)
        {
            case 'access': {
                const access = ACCESS_LEVELS.find(level => level === value.value);
                if (access === undefined)
                {
                    diagnostics.error(value.location, Codes.InvalidAccess, `Invalid access '${value.value}' for ${where}; use ${ACCESS_LEVELS.join(', ')}`);
                    valid = false;
                }
                entry.access = access;
                break;
            }
            case 'version': {
                // `1` and `1.2` are shorthands for `1.0.0` and `1.2.0`, as in the version request header.
                const version = value.value === '' ? undefined : parseVersion(value.value);
                if (version === undefined)
                {
                    diagnostics.error(value.location, Codes.InvalidVersion, `Invalid version '${value.value}' for ${where}; use major.minor.patch, like 1.0.0`);
                    valid = false;
                }
                else entry.version = version;
                break;
            }
            case 'as':
                if (!ALIAS_PATTERN.test(value.value))
                {
                    diagnostics.error(value.location, Codes.InvalidAlias, `Invalid alias '${value.value}' for ${where}; an alias is a plain name like 'getPerson'`);
                    valid = false;
                }
                else entry.as = value.value;
                break;
        }
    }
    return valid;
}
