import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { SegmentModule } from '../core/segment-module.js';
import type { Manifest } from '../manifest.js';

/** The emitted file of a source file of the manifest (`domain/a.ts` -> `domain/a.js`), as jitar-compile names it. */
function emittedFile(sourceFile: string): string
{
    return sourceFile.replace(/\.tsx?$/, '.js').replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs');
}

/**
 * The segments with the implementations of the modules in `changed` (absolute paths of emitted files
 * that got a new version) imported again, and the others as they were. A reload whose manifest did not
 * change takes this way: importing the segments' entries again would resolve every module of theirs,
 * one loader-hook round trip each, for the few that changed.
 */
export async function withChangedModules(segments: readonly SegmentModule[], manifest: Manifest, target: string, changed: ReadonlySet<string>): Promise<SegmentModule[]>
{
    const procedures = new Map(manifest.procedures.map(procedure => [`${procedure.fqn}@${procedure.version}`, procedure]));
    const classes = new Map(manifest.classes.map(item => [item.key, item]));
    const modules = new Map<string, Promise<Record<string, unknown>>>();
    const exportOf = async (file: string | undefined, exportName: string | undefined): Promise<unknown> =>
    {
        if (file === undefined || exportName === undefined) return undefined;
        const path = join(target, emittedFile(file));
        if (!changed.has(path)) return undefined;
        let module = modules.get(path);
        if (module === undefined)
        {
            module = import(pathToFileURL(path).href) as Promise<Record<string, unknown>>;
            modules.set(path, module);
        }
        return (await module)[exportName];
    };

    return Promise.all(segments.map(async segment => ({
        name: segment.name,
        procedures: await Promise.all(segment.procedures.map(async item =>
        {
            const procedure = procedures.get(`${item.fqn}@${item.version}`);
            const implementation = await exportOf(procedure?.file, procedure?.exportName);
            return typeof implementation === 'function' ? { ...item, implementation: implementation as SegmentModule['procedures'][number]['implementation'] } : item;
        })),
        classes: await Promise.all(segment.classes.map(async item =>
        {
            const registered = classes.get(item.key);
            const implementation = await exportOf(registered?.file, registered?.exportName);
            return typeof implementation === 'function' ? { ...item, implementation: implementation as SegmentModule['classes'][number]['implementation'] } : item;
        }))
    })));
}
