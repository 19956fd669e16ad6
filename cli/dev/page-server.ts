import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Plugin, ViteDevServer } from 'vite';

const VITE_CONFIGS = ['vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs'];

/** The app's Vite configuration file: an app with one has a page. */
export function findViteConfig(root: string): string | undefined
{
    return VITE_CONFIGS.map(name => join(root, name)).find(path => existsSync(path));
}

export interface PageServerOptions
{
    root: string;
    configFile: string;
    /** Where /rpc goes: the standalone of jitar dev. */
    runtimeUrl: string;
    /** Vite's port; undefined: Vite's own choice (5173, or the next free one). */
    port: number | undefined;
}

/**
 * Vite's dev server for the app's page, started through the app's own Vite (its node_modules), with its
 * configuration file (jitar/vite among its plugins). /rpc goes to jitar dev's standalone, whatever
 * the configuration's runtimeUrl says.
 */
export async function startPageServer(options: PageServerOptions): Promise<ViteDevServer>
{
    const vite = await importVite(options.root);
    const forward: Plugin = {
        name: 'jitar-dev-forward',
        enforce: 'post',
        // After jitar/vite's config hook: this proxy entry is the one that counts.
        config: () => ({ server: { proxy: { '/rpc': { target: options.runtimeUrl } } } })
    };
    const server = await vite.createServer({
        root: options.root,
        configFile: options.configFile,
        clearScreen: false,
        plugins: [forward],
        server: { host: '127.0.0.1', port: options.port, strictPort: options.port !== undefined }
    });
    await server.listen();
    return server;
}

async function importVite(root: string): Promise<typeof import('vite')>
{
    let path: string | undefined;
    try
    {
        path = createRequire(join(root, 'package.json')).resolve('vite');
    }
    catch
    {
        // Not installed in the app: jitar's own (an optional peer dependency).
    }
    try
    {
        return path === undefined ? await import('vite') : await import(pathToFileURL(path).href) as typeof import('vite');
    }
    catch (error)
    {
        throw new Error(`The app has a page (a Vite configuration), but Vite cannot be loaded: install it in the app (npm install --save-dev vite). ${error instanceof Error ? error.message : String(error)}`);
    }
}
