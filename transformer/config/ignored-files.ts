import picomatch from 'picomatch';

import { portableRelative } from './display-paths.js';

/** A TypeScript file's extension and the one tsc gives the JavaScript it writes. */
const EMITTED_EXTENSIONS: readonly [RegExp, string][] = [[/\.tsx?$/, '.js'], [/\.mts$/, '.mjs'], [/\.cts$/, '.cjs']];

/**
 * `build.ignore` of jitar.json as a test on source files. The globs are relative to the source folder; in
 * the reference layout that folder holds tsc's JavaScript, so a glob is matched against the file's own
 * path and against the path of the JavaScript tsc writes for it (`**\/*.test.js` leaves out `a.test.ts`).
 */
export function ignoredFiles(sourceRoot: string, globs: readonly string[] = []): (file: string) => boolean
{
    if (globs.length === 0) return () => false;
    const matches = picomatch([...globs], { dot: true });
    return file =>
    {
        const path = portableRelative(sourceRoot, file);
        if (path.startsWith('../')) return false;
        const emitted = EMITTED_EXTENSIONS.find(([extension]) => extension.test(path));
        return matches(path) || (emitted !== undefined && !path.endsWith('.d.ts') && matches(path.replace(emitted[0], emitted[1])));
    };
}
