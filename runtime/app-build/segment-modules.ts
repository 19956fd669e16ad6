import { isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

import { closestMatch } from 'leven';

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
            const names = manifest.segments.map(segment => segment.name);
            const near = closestMatch(name, names, { maxDistance: 2 });
            throw new Error(`${displayed(serviceFile)}: segment '${name}' is not in the app's build${near === undefined ? '.' : `; did you mean '${near}'?`}`
                + ` The build's segments are ${names.map(segment => `'${segment}'`).join(', ') || 'none'}; a segment file added since needs a new build`);
        }
        const entry = await import(pathToFileURL(join(target, '.jitar/segments', `${name}.js`)).href) as { default: SegmentModule };
        modules.push(entry.default);
    }
    return modules;
}

/** The service file as the other messages about it show it: relative to the working folder. */
function displayed(file: string): string
{
    if (!isAbsolute(file)) return file;
    const shown = relative(process.cwd(), file);
    return shown.startsWith('..') ? file : shown.split(sep).join('/');
}
