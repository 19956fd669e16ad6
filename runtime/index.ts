/** The `jitar` package as apps and tools import it: what a page may import too, and what only Node runs. */
export * from './browser.js';
export { packageVersion } from './version.js';
export { CorsMiddleware } from './middleware/cors-middleware.js';
export type { HealthCheck } from './services/health-checks.js';
