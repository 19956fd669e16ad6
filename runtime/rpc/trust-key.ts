import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares trust keys in constant time: a key that differs early must not answer faster. */
export function sameTrustKey(expected: string, given: unknown): boolean
{
    if (typeof given !== 'string') return false;
    const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
    return timingSafeEqual(digest(expected), digest(given));
}
