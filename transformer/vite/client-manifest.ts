import type { ClassManifest, Manifest, ParameterManifest, ProcedureManifest } from '../../runtime/manifest.js';
import type { SegmentMap } from '../emit/import-rule.js';

/**
 * The part of the manifest a page needs, and no more: the procedures it may call (public and protected
 * ones, and those of the segments it holds) with their wire names but without their schemas (the server
 * validates), and the classes it can load without bringing in code that only server segments hold.
 */
export function clientManifest(manifest: Manifest, segments: SegmentMap, pageSegments: readonly string[]): Manifest
{
    const heldByPage = (item: { segments: string[] }): boolean => item.segments.some(segment => pageSegments.includes(segment));
    return {
        format: manifest.format,
        compiler: manifest.compiler,
        source: manifest.source,
        target: manifest.target,
        segments: manifest.segments.filter(segment => pageSegments.includes(segment.name)),
        procedures: manifest.procedures.filter(procedure => procedure.access !== 'private' || heldByPage(procedure)).map(withoutSchemas),
        classes: pageClasses(manifest, segments, pageSegments),
        $defs: {},
        resources: []
    };
}

/** The registered classes whose module a page may load: shared modules, or modules its own segments hold. */
export function pageClasses(manifest: Manifest, segments: SegmentMap, pageSegments: readonly string[]): ClassManifest[]
{
    return manifest.classes.filter(item =>
    {
        const holders = segments.holdersOf(item.module);
        return holders.size === 0 || [...holders].some(segment => pageSegments.includes(segment));
    });
}

function withoutSchemas(procedure: ProcedureManifest): ProcedureManifest
{
    return { ...procedure, result: {}, parameters: procedure.parameters.map(parameterWithoutSchemas) };
}

function parameterWithoutSchemas(parameter: ParameterManifest): ParameterManifest
{
    return { ...parameter, names: parameter.names.map(name => ({ ...name, schema: {} })) };
}
