import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { SegmentModule } from '../core/segment-module.js';
import type { Manifest } from '../manifest.js';

/** The entry modules jitar-compile wrote for the named segments; `serviceFile` names who asked, for the error. */
export async function importSegments(manifest: Manifest, segments: readonly string[], target: string, serviceFile: string): Promise<SegmentModule[]>
{
    const modules: SegmentModule[] = [];
    for (const name of segments)
    {
        if (!manifest.segments.some(segment => segment.name === name))
        {
            throw new Error(`${serviceFile}: segment '${name}' is not in the app's build; its segments are ${manifest.segments.map(segment => `'${segment.name}'`).join(', ') || 'none'}`);
        }
        const entry = await import(pathToFileURL(join(target, '.jitar/segments', `${name}.js`)).href) as { default: SegmentModule };
        modules.push(entry.default);
    }
    return modules;
}
