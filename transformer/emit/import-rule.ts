import type { Manifest, ProcedureManifest } from '../../runtime/manifest.js';

/**
 * Which segments hold which modules, and the one rule that decides between keeping an import and
 * swapping it for proxies. The tsc plugin, jitar-compile and the bundler plugins all ask this class, so
 * they cannot disagree.
 *
 * A module is *held* by the segments that list one of its procedures. Modules that no segment holds
 * (shared code, and modules listed only for their classes) run wherever they are imported.
 */
export class SegmentMap
{
    readonly #holders = new Map<string, Set<string>>();
    readonly #procedures = new Map<string, Map<string, ProcedureManifest>>();

    constructor(manifest: Manifest)
    {
        for (const procedure of manifest.procedures)
        {
            const holders = this.#holders.get(procedure.module) ?? new Set<string>();
            for (const segment of procedure.segments) holders.add(segment);
            this.#holders.set(procedure.module, holders);

            const exports = this.#procedures.get(procedure.module) ?? new Map<string, ProcedureManifest>();
            exports.set(procedure.exportName, procedure);
            this.#procedures.set(procedure.module, exports);
        }
    }

    /** The segments that hold a module; empty for shared modules. */
    holdersOf(module: string): ReadonlySet<string>
    {
        return this.#holders.get(module) ?? new Set();
    }

    /** The procedures a module exports, by export name (`default` included). */
    proceduresOf(module: string): ReadonlyMap<string, ProcedureManifest>
    {
        return this.#procedures.get(module) ?? new Map();
    }

    /** Modules that hold procedures: each gets a proxy module. */
    get heldModules(): string[]
    {
        return [...this.#holders.keys()].sort();
    }

    /**
     * Whether `importer` must reach `imported` through proxies: when the imported module is held by
     * segments, and the importer can run somewhere it is not (in a segment without it, or anywhere at
     * all for a shared module). An importer outside the app (`undefined`: a page's own code, which a
     * bundler reads from outside the source root) runs wherever it is loaded, like a shared module.
     */
    mustProxy(importer: string | undefined, imported: string): boolean
    {
        const holders = this.holdersOf(imported);
        if (holders.size === 0 || importer === imported) return false;
        const importerHolders = importer === undefined ? new Set<string>() : this.holdersOf(importer);
        if (importerHolders.size === 0) return true;
        for (const segment of importerHolders) if (!holders.has(segment)) return true;
        return false;
    }
}
