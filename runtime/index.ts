/** The `jitar` package as apps and tools import it. */
export * from './manifest.js';
export { packageVersion } from './version.js';
