import type { DiagnosticBag } from '../diagnostics.js';
import { Codes } from '../diagnostics.js';
import { describeJsonKind, type JsonNode } from './json-document.js';

/** The keys of jitar.json's `build` object (Jitar 0.11's), and what each holds. */
const BUILD_KEYS = ['ignore'] as const;

/**
 * jitar.json's `build` object, as Jitar 0.11 writes it: `ignore` lists globs (relative to the source
 * folder) of files that are left out of the build. Answers the globs; reports anything else at its line.
 */
export function readBuildSection(node: JsonNode, diagnostics: DiagnosticBag): string[]
{
    if (node.kind !== 'object')
    {
        diagnostics.error(node.location, Codes.InvalidConfigShape, `'build' in jitar.json must be an object such as { "ignore": ["**/*.test.js"] }, not ${describeJsonKind(node)}`);
        return [];
    }
    const ignore: string[] = [];
    for (const entry of node.entries)
    {
        if (!(BUILD_KEYS as readonly string[]).includes(entry.key))
        {
            diagnostics.error(entry.location, Codes.UnknownKey, `Unknown key 'build.${entry.key}' in jitar.json; the known key of 'build' is ${BUILD_KEYS.join(', ')}`);
            continue;
        }
        const value = entry.value;
        if (value.kind !== 'array')
        {
            diagnostics.error(value.location, Codes.InvalidConfigShape, `'build.ignore' in jitar.json must be an array of glob strings, not ${describeJsonKind(value)}`);
            continue;
        }
        for (const item of value.items)
        {
            if (item.kind === 'string' && item.value.trim() !== '') ignore.push(item.value);
            else diagnostics.error(item.location, Codes.InvalidConfigShape, `Each entry of 'build.ignore' in jitar.json must be a non-empty glob string, not ${item.kind === 'string' ? 'an empty one' : describeJsonKind(item)}`);
        }
    }
    return ignore;
}
