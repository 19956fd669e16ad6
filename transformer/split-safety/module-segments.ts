import type { Manifest } from '../../runtime/manifest.js';
import type { ImportPlanner } from '../emit/import-planner.js';
import { valueImportSpecifiers, type AppFile } from './app-files.js';

/**
 * The segments each module's code is loaded in once the app is split: a segment loads the modules it
 * lists, and whatever they import that the import rule keeps (imports it swaps for proxies load only the
 * proxies). A module loaded in two segments has a copy of its state in each of their processes.
 */
export function moduleSegments(manifest: Manifest, files: readonly AppFile[], planner: ImportPlanner): ReadonlyMap<string, ReadonlySet<string>>
{
    const byModule = new Map(files.map(file => [file.module, file]));
    const segmentsOf = new Map<string, Set<string>>();

    for (const segment of manifest.segments)
    {
        const pending = [...segment.modules];
        for (let module = pending.pop(); module !== undefined; module = pending.pop())
        {
            const segments = segmentsOf.get(module) ?? new Set<string>();
            if (segments.has(segment.name)) continue;
            segments.add(segment.name);
            segmentsOf.set(module, segments);

            const file = byModule.get(module);
            if (file === undefined) continue;
            for (const specifier of valueImportSpecifiers(file.sourceFile))
            {
                const plan = planner.plan(file.sourceFile, specifier);
                if (plan !== undefined && !plan.proxied) pending.push(plan.module);
            }
        }
    }
    return segmentsOf;
}
