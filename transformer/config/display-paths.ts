import { isAbsolute, relative, sep } from 'node:path';

import type { SourceLocation } from '../../runtime/manifest.js';

/** Paths as diagnostics show them: relative to the working folder, with forward slashes, as tsc does. */
export class DisplayPaths
{
    readonly #cwd: string;

    constructor(cwd: string)
    {
        this.#cwd = cwd;
    }

    display(absolutePath: string): string
    {
        const path = relative(this.#cwd, absolutePath);
        return (path === '' ? '.' : path).split(sep).join('/');
    }

    /** The start of a file: for problems that belong to a file as a whole. */
    at(absolutePath: string): SourceLocation
    {
        return { file: this.display(absolutePath), line: 1, column: 1 };
    }
}

/** A path relative to `base`, always with forward slashes (manifest paths are the same on every OS). */
export function portableRelative(base: string, absolutePath: string): string
{
    return relative(base, absolutePath).split(sep).join('/');
}

/** Whether `file` lies in `folder` (and not in a node_modules folder inside it). */
export function isInside(folder: string, file: string): boolean
{
    const path = portableRelative(folder, file);
    return path !== '' && !path.startsWith('../') && !isAbsolute(path) && !path.includes('node_modules/');
}
