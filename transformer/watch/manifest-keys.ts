import type { Manifest } from '../../runtime/manifest.js';

/**
 * The manifest as the runtime and the generated modules use it: everything but where declarations sit.
 * Two builds with the same key need the same proxies, segment entries and validators.
 */
export function servedKey(manifest: Manifest): string
{
    const withoutPosition = <T extends { position: unknown }>({ position: _position, ...rest }: T): Omit<T, 'position'> => rest;
    return JSON.stringify({ ...manifest, procedures: manifest.procedures.map(withoutPosition), classes: manifest.classes.map(withoutPosition) });
}

/**
 * What the import rule decides with (SegmentMap: which segments hold which module's procedures): when it
 * changes, an import of any module may become a proxy or stop being one, so every file is emitted again.
 */
export function importRuleKey(manifest: Manifest): string
{
    return JSON.stringify(manifest.procedures.map(({ module, exportName, segments }) => [module, exportName, segments]));
}
