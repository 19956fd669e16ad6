import { createRequire } from 'node:module';

/**
 * Loads a package on its first use rather than at the top of a module. Every start pays for what it loads
 * (bench/startup: undici alone loads slower than Fastify), and not every kind of service uses everything:
 * a standalone sends no HTTP requests to other services, a gateway serves no files, a service logging JSON
 * prettifies nothing. These packages are CommonJS, so they load synchronously, where callers cannot wait.
 */
export const loadOnUse: NodeJS.Require = createRequire(import.meta.url);
