/** The request header that names the version of the procedure to call. */
export const VERSION_HEADER = 'x-jitar-procedure-version';

/** Versions as requests name them: `1`, `1.2` and `1.2.3` are allowed, absent means 0.0.0. */
const VERSION = /^\d+(\.\d+){0,2}$/;

export function parseVersion(text: string | undefined): string | undefined
{
    if (text === undefined || text === '' || text === '0.0.0') return '0.0.0';
    if (!VERSION.test(text)) return undefined;
    const parts = text.split('.').map(part => String(Number(part)));
    while (parts.length < 3) parts.push('0');
    return parts.join('.');
}

export function compareVersions(a: string, b: string): number
{
    // Every call selects its version with this: the usual case, the very version asked, allocates nothing.
    if (a === b) return 0;
    const left = a.split('.').map(Number);
    const right = b.split('.').map(Number);
    for (let index = 0; index < 3; index++)
    {
        const difference = (left[index] ?? 0) - (right[index] ?? 0);
        if (difference !== 0) return difference;
    }
    return 0;
}

/**
 * The version a call for `asked` runs, by Jitar's rule: that version, else the greatest below it.
 * `sorted` is in ascending order (compareVersions); `versionOf` reads an item's version.
 */
export function greatestAtOrBelow<T>(sorted: readonly T[], asked: string, versionOf: (item: T) => string): T | undefined
{
    return sorted.findLast(item => compareVersions(versionOf(item), asked) <= 0);
}

export const ownVersion = (version: string): string => version;
