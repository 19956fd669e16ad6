/**
 * Base64 without Node built-ins, for the `Buffer` form where no `Buffer` exists (browsers). Strict: the
 * standard alphabet, padded to a multiple of four, so that a malformed value is refused rather than guessed.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const VALUES = new Map<string, number>([...ALPHABET].map((character, index) => [character, index]));

/** The alphabet, then at most two `=`. A plain character class: no backtracking, whatever the length. */
const WELL_FORMED = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes that `text` encodes, or undefined when it is not well-formed base64. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined
{
    if (text.length % 4 !== 0 || !WELL_FORMED.test(text)) return undefined;

    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    const bytes = new Uint8Array(text.length / 4 * 3 - padding);
    let written = 0;

    for (let index = 0; index < text.length; index += 4)
    {
        let group = 0;
        for (let offset = 0; offset < 4; offset++)
        {
            group = group << 6 | (VALUES.get(text[index + offset]) ?? 0);
        }
        for (const shift of [16, 8, 0])
        {
            if (written < bytes.length) bytes[written++] = group >> shift & 0xff;
        }
    }
    return bytes;
}
