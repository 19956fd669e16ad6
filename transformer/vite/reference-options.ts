/**
 * The options of Jitar's own Vite plugin (`@jitar/plugin-vite`), so that a page moves over by changing its
 * import line only. Each means here what it means there; where ours has its own name for the same thing,
 * both are taken, and giving both with different values is an error rather than a guess.
 */
export interface ReferencePluginOptions
{
    /** Jitar 0.11: the app's folder (where jitar.json is), relative to Vite's root; ours: `app`. */
    projectRoot?: string;
    /** Jitar 0.11: the app's TypeScript sources, relative to the app's folder; default the build's own. */
    sourceRoot?: string;
    /** Jitar: where the dev server forwards `/rpc`; ours: `runtimeUrl`. */
    jitarUrl?: string;
    /** Jitar: client middleware, module paths relative to the source root, run around every remote call in order. */
    middleware?: string[];
    /** Jitar 0.10: the sources, relative to Vite's root (0.11's `sourceRoot`). */
    sourceDir?: string;
    /** Jitar 0.10: the build folder; it must be the `target` of jitar.json, where the build is read. */
    targetDir?: string;
    /**
     * Jitar 0.10: the folder of the sources whose imports the plugin handles. Every module a segment holds is
     * handled wherever it lies, so this only has to exist.
     */
    jitarDir?: string;
}

/** The options as the plugin uses them, whichever names the page gave. */
export interface PluginOptions
{
    app?: string;
    sourceRoot?: string;
    runtimeUrl?: string;
    remoteUrl?: string;
    segments?: string[];
    middleware?: string[];
    targetDir?: string;
    jitarDir?: string;
}

const KNOWN = ['app', 'segments', 'runtimeUrl', 'remoteUrl', 'projectRoot', 'sourceRoot', 'jitarUrl', 'middleware', 'sourceDir', 'targetDir', 'jitarDir'];

export function pluginOptions(given: ReferencePluginOptions & { app?: string; segments?: string[]; runtimeUrl?: string; remoteUrl?: string }): PluginOptions
{
    for (const key of Object.keys(given))
    {
        if (!KNOWN.includes(key)) throw new Error(`jitar/vite: unknown option '${key}'; the options are ${KNOWN.join(', ')}`);
    }
    for (const [key, type] of [['segments', 'strings'], ['middleware', 'strings']] as const)
    {
        const value = given[key];
        if (value !== undefined && !(Array.isArray(value) && value.every(item => typeof item === 'string'))) throw new Error(`jitar/vite: option '${key}' must be an array of ${type}`);
    }
    const app = same('app', given.app, 'projectRoot', given.projectRoot);
    // 0.10's sourceDir is relative to Vite's root, 0.11's sourceRoot to the app's folder: the same folder when
    // the app is Vite's root, which is the only layout 0.10 had.
    const sourceRoot = same('sourceRoot', given.sourceRoot, 'sourceDir', given.sourceDir);
    const runtimeUrl = same('runtimeUrl', given.runtimeUrl, 'jitarUrl', given.jitarUrl);
    if (runtimeUrl !== undefined && !URL.canParse(runtimeUrl)) throw new Error(`jitar/vite: '${given.runtimeUrl === undefined ? 'jitarUrl' : 'runtimeUrl'}' must be a URL such as http://127.0.0.1:3000, not '${runtimeUrl}'`);
    return { app, sourceRoot, runtimeUrl, remoteUrl: given.remoteUrl, segments: given.segments, middleware: given.middleware, targetDir: given.targetDir, jitarDir: given.jitarDir };
}

function same(ours: string, ourValue: string | undefined, theirs: string, theirValue: string | undefined): string | undefined
{
    if (ourValue !== undefined && theirValue !== undefined && ourValue !== theirValue)
    {
        throw new Error(`jitar/vite: '${ours}' and '${theirs}' name the same setting; give one of them ('${ourValue}' and '${theirValue}' differ)`);
    }
    return ourValue ?? theirValue;
}
