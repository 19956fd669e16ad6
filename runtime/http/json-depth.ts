/**
 * Whether JSON text nests arrays and objects deeper than `max` levels, told from the text before it is
 * parsed: deeply nested values overflow the stack of whatever walks them later (a validator, a
 * procedure, the answer's JSON.stringify). One pass over the characters, strings skipped; a text too
 * short to nest that deep (each level takes two brackets) is not read at all.
 */
export function nestsDeeperThan(text: string, max: number): boolean
{
    if (text.length <= 2 * max) return false;
    let depth = 0;
    for (let index = 0; index < text.length; index++)
    {
        const char = text.charCodeAt(index);
        if (char === QUOTE)
        {
            for (index++; index < text.length; index++)
            {
                const inside = text.charCodeAt(index);
                if (inside === BACKSLASH) index++;
                else if (inside === QUOTE) break;
            }
        }
        else if (char === OPEN_ARRAY || char === OPEN_OBJECT)
        {
            if (++depth > max) return true;
        }
        else if (char === CLOSE_ARRAY || char === CLOSE_OBJECT)
        {
            depth--;
        }
    }
    return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
