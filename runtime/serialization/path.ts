/**
 * Paths of values inside a serialized structure, as error messages name them: `person.address[2]`,
 * `options["content-type"]`. They are built only when something is wrong, from a chain of parts.
 */

export type PathPart = string | number;

/** A path as a linked list from the leaf back to the root, so that descending costs one small object. */
export interface ValuePath
{
    readonly parent: ValuePath | undefined;
    readonly part: PathPart;
}

export function rootPath(name: string): ValuePath
{
    return { parent: undefined, part: name };
}

export function childPath(parent: ValuePath, part: PathPart): ValuePath
{
    return { parent, part };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]{0,63}$/;

/** Longer keys (a wire value's keys are anyone's choice) are cut in messages. */
const MAX_KEY_LENGTH = 64;

export function formatPath(path: ValuePath): string
{
    const parts: PathPart[] = [];
    for (let current: ValuePath | undefined = path; current !== undefined; current = current.parent) parts.push(current.part);
    parts.reverse();

    let text = String(parts[0]);
    for (const part of parts.slice(1))
    {
        if (typeof part === 'number') text += `[${part}]`;
        else if (IDENTIFIER.test(part)) text += `.${part}`;
        else text += `[${JSON.stringify(part.length > MAX_KEY_LENGTH ? `${part.slice(0, MAX_KEY_LENGTH)}…` : part)}]`;
    }
    return text;
}
