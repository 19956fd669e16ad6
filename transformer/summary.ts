import type { Manifest } from '../runtime/manifest.js';

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;

/** What jitar-compile prints after a build: a line per segment, and with `verbose` every procedure. */
export function summarize(manifest: Manifest, verbose: boolean): string[]
{
    const lines: string[] = [];
    const width = Math.max(0, ...manifest.segments.map(segment => segment.name.length));

    for (const segment of manifest.segments)
    {
        const procedures = manifest.procedures.filter(procedure => procedure.segments.includes(segment.name));
        const classes = manifest.classes.filter(item => item.segments.includes(segment.name));
        lines.push(`segment ${segment.name.padEnd(width)}  ${plural(procedures.length, 'procedure')}, ${plural(classes.length, 'class')}  (${segment.file})`);
        if (!verbose) continue;
        for (const procedure of procedures) lines.push(`  ${procedure.access.padEnd(9)} ${procedure.version.padEnd(8)} ${procedure.fqn}`);
        for (const item of classes) lines.push(`  class     ${item.key}`);
    }

    const implicit = manifest.classes.filter(item => item.registration === 'signature');
    if (implicit.length > 0)
    {
        lines.push(`${plural(implicit.length, 'class')} registered because procedure signatures use them${verbose ? `: ${implicit.map(item => item.key).join(', ')}` : ''}`);
    }
    return lines;
}
