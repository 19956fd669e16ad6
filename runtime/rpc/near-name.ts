import leven from 'leven';

const MAX_COMPARED_LENGTH = 200;

/**
 * The procedure a caller most likely meant by a name that is not served: the same name in other case
 * (`People/findPerson`), the one name whose last part it is (`findPerson` for `people/findPerson`: the
 * module path left out), else the closest by edit distance when it is near enough to be a typo.
 * Undefined when nothing is that close: a suggestion must not be a guess.
 */
export function nearProcedureName(asked: string, names: Iterable<string>): string | undefined
{
    const served = [...new Set(names)].sort();
    const lower = asked.toLowerCase();
    const sameButCase = served.find(name => name.toLowerCase() === lower);
    if (sameButCase !== undefined) return sameButCase;

    if (!asked.includes('/'))
    {
        const endingSo = served.filter(name => name.slice(name.lastIndexOf('/') + 1).toLowerCase() === lower);
        if (endingSo.length === 1) return endingSo[0];
    }

    // Made-up names from anyone on the network reach here: no distances over long ones.
    if (asked.length > MAX_COMPARED_LENGTH) return undefined;
    const limit = Math.min(3, Math.max(1, Math.floor(asked.length / 4)));
    let best: { name: string; distance: number } | undefined;
    for (const name of served)
    {
        const distance = leven(lower, name.toLowerCase());
        if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
    }
    return best?.name;
}
