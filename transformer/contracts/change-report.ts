import type { SurfaceChange } from './surface-changes.js';

/** The change list as jitar-compile prints it: one line per change, breaking ones first, then a total. */
export function formatChanges(changes: readonly SurfaceChange[], against: string): string[]
{
    if (changes.length === 0) return [`No changes of the public and protected procedures against ${against}`];
    const sorted = [...changes].sort((a, b) => Number(b.breaking) - Number(a.breaking) || a.fqn.localeCompare(b.fqn));
    const label = (change: SurfaceChange): string => `${change.fqn}@${change.previousVersion === undefined ? change.version : `${change.previousVersion}->${change.version}`}`;
    const width = Math.max(...sorted.map(change => label(change).length));
    const lines = [`Changes against ${against}:`];
    for (const change of sorted) lines.push(`  ${(change.breaking ? 'breaking' : 'compatible').padEnd(10)}  ${label(change).padEnd(width)}  ${change.detail}`);
    const breaking = changes.filter(change => change.breaking);
    const kept = breaking.filter(change => change.versionKept).length;
    lines.push(`${changes.length} change${changes.length === 1 ? '' : 's'}, ${breaking.length} breaking${kept > 0 ? ` (${kept} at a version the previous build has: give those procedures a new version)` : ''}`);
    return lines;
}
