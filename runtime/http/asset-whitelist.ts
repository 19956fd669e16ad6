import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';

import type picomatch from 'picomatch';

import { loadOnUse } from '../load-on-use.js';

export interface AssetOptions
{
    /** Absolute folder the assets are served from. */
    root: string;
    /** Glob patterns of the files that may be served, relative to the root. */
    patterns: readonly string[];
    indexFilename: string;
    serveIndexOnNotFound: boolean;
}

/**
 * Which file (if any) answers a GET: only whitelisted files inside the asset root. `/` is the index file;
 * with serveIndexOnNotFound, other paths that match nothing get the index too (single-page apps).
 */
export class AssetWhitelist
{
    readonly #options: AssetOptions;
    readonly #allowed: (path: string) => boolean;

    constructor(options: AssetOptions)
    {
        this.#options = options;
        // Loaded here: only a service that serves files needs it.
        const match = loadOnUse('picomatch') as typeof picomatch;
        this.#allowed = match([...options.patterns], { dot: false });
    }

    /** The file to serve, relative to the root, or undefined for 404. */
    resolve(urlPath: string): string | undefined
    {
        const wanted = decodePath(urlPath);
        if (wanted === undefined) return undefined;
        const file = wanted === '' ? this.#options.indexFilename : wanted;
        if (this.#serves(file)) return file;
        return this.#options.serveIndexOnNotFound && this.#serves(this.#options.indexFilename) ? this.#options.indexFilename : undefined;
    }

    #serves(file: string): boolean
    {
        if (!this.#allowed(file)) return false;
        const path = join(this.#options.root, file);
        return existsSync(path) && statSync(path).isFile();
    }
}

/** The path below the root that a URL path names; undefined for anything that would leave the root. */
function decodePath(urlPath: string): string | undefined
{
    let decoded: string;
    try
    {
        decoded = decodeURIComponent(urlPath.split('?')[0]);
    }
    catch
    {
        return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const path = normalize(decoded.replace(/^\/+/, '')).split(sep).join('/');
    if (path === '.' ) return '';
    if (path.startsWith('..') || path.startsWith('/')) return undefined;
    return path;
}
