import { join, resolve } from 'node:path';

import type { Plugin, ResolvedConfig } from 'vite';

import { readJitarConfig } from '../../runtime/config/read-jitar-config.js';
import { MANIFEST_PATH } from '../../runtime/manifest.js';
import { readManifest } from '../../runtime/app-build/manifest-file.js';
import { appModule } from '../analysis/modules.js';
import { SegmentMap } from '../emit/import-rule.js';
import { parseVirtualId, proxyId, virtualId, virtualModuleSource, type PageBuild } from './virtual-modules.js';

export interface JitarViteOptions
{
    /** The app's folder (where jitar.json is), relative to Vite's root; default Vite's root. */
    app?: string;
    /** The segments that run in the page itself; default none: every procedure runs on a server. */
    segments?: string[];
    /** Where the dev server forwards `/rpc` (a standalone, proxy or gateway); default http://127.0.0.1:3000. */
    runtimeUrl?: string;
    /** Where the page's client sends its calls once built; default the page's own origin. */
    remoteUrl?: string;
}

/**
 * jitar/vite: builds and serves a page of the app. Vite does not run TypeScript transformers, so this
 * plugin applies jitar's import rule (the one `SegmentMap.mustProxy` decides for jitar-compile and tspc
 * too) where Vite resolves imports: an import of a module that the page does not hold becomes that
 * module's proxies, whose calls the page's client (`jitar/client`) sends over fetch. No module that only
 * server segments hold ever enters the page; the plugin stops the build if one would.
 *
 * It reads the manifest that jitar-compile wrote: build with `jitar-compile && vite build`.
 */
export default function jitar(options: JitarViteOptions = {}): Plugin
{
    let appRoot = '';
    let page: PageBuild | undefined;

    const load = (): PageBuild =>
    {
        const { source, target } = readJitarConfig(appRoot);
        const manifest = readManifest(target);
        const pageSegments = options.segments ?? [];
        for (const name of pageSegments)
        {
            if (!manifest.segments.some(segment => segment.name === name))
            {
                throw new Error(`jitar/vite: segment '${name}' (in the plugin's 'segments' option) is not in the app's build; its segments are ${manifest.segments.map(segment => `'${segment.name}'`).join(', ') || 'none'}`);
            }
        }
        return { manifest, segments: new SegmentMap(manifest), pageSegments, sourceRoot: source, sourcePath: file => join(source, file), remoteUrl: options.remoteUrl };
    };
    const current = (): PageBuild => page ??= load();

    return {
        name: 'jitar',
        enforce: 'pre',

        config: () => ({
            server: { proxy: { '/rpc': { target: options.runtimeUrl ?? 'http://127.0.0.1:3000' } } },
            // One copy of jitar/client in the page: prebundling could give the generated modules a second one.
            optimizeDeps: { exclude: ['jitar'] }
        }),

        configResolved(config: ResolvedConfig)
        {
            appRoot = resolve(config.root, options.app ?? '.');
        },

        buildStart()
        {
            page = load();
            this.addWatchFile(join(readJitarConfig(appRoot).target, MANIFEST_PATH));
        },

        configureServer(server)
        {
            // A new jitar-compile run changes what is proxied: start over with the new manifest.
            const manifestFile = join(readJitarConfig(appRoot).target, MANIFEST_PATH);
            server.watcher.add(manifestFile);
            server.watcher.on('change', file =>
            {
                if (resolve(file) !== manifestFile) return;
                page = undefined;
                server.moduleGraph.invalidateAll();
                server.ws.send({ type: 'full-reload' });
            });
        },

        async resolveId(source, importer, resolveOptions)
        {
            const id = virtualId(source);
            if (id !== undefined) return id;
            // Generated modules import exactly what they mean; packages keep their own imports.
            if (importer === undefined || importer.startsWith('\0') || importer.includes('/node_modules/')) return null;

            const resolved = await this.resolve(source, importer, { ...resolveOptions, skipSelf: true });
            if (resolved === null || resolved.external) return resolved;
            const build = current();
            const imported = appModule(build.sourceRoot, withoutQuery(resolved.id));
            if (imported === undefined) return resolved;
            const importerModule = appModule(build.sourceRoot, withoutQuery(importer))?.module;
            return build.segments.mustProxy(importerModule, imported.module) ? proxyId(imported.module) : resolved;
        },

        load(id)
        {
            const virtual = parseVirtualId(id);
            const build = current();
            if (virtual !== undefined) return virtualModuleSource(virtual, build);

            const module = appModule(build.sourceRoot, withoutQuery(id));
            if (module === undefined) return null;
            const holders = [...build.segments.holdersOf(module.module)];
            if (holders.length > 0 && !holders.some(segment => build.pageSegments.includes(segment)))
            {
                this.error(`jitar/vite: '${module.file}' belongs to segment${holders.length === 1 ? '' : 's'} ${holders.map(segment => `'${segment}'`).join(', ')}, which run${holders.length === 1 ? 's' : ''} on a server, and must not enter the page; import it from page code so that it becomes a proxy`);
            }
            return null;
        }
    };
}

function withoutQuery(id: string): string
{
    const query = id.indexOf('?');
    return query === -1 ? id : id.slice(0, query);
}
