/**
 * The `jitar` package as apps and tools import it. It is the same in Node and in the page (the `browser`
 * export condition names browser.ts directly): everything here runs in both, so the one set of types
 * that TypeScript reads is true for both.
 */
export * from './browser.js';
