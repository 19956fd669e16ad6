/**
 * The `jitar` package: what app code uses (the error classes, middleware, the manifest's types), with
 * nothing that needs Node, so that the same imports work in the page (the `browser` condition of the
 * exports names this module) and on the server. The package's version is the CLI's business (`jitar version`).
 */
export * from './manifest.js';
export {
    JitarError, BadRequest, Unauthorized, PaymentRequired, Forbidden, NotFound, Teapot, ServerError, NotImplemented,
    ProcedureNotFound, ProcedureNotAccessible, WorkerUnavailable, RemoteCallFailed, RemoteCallTimedOut
} from './errors.js';
export { Request } from './middleware/request.js';
export { Response } from './middleware/response.js';
export type { Middleware, NextHandler } from './middleware/middleware.js';
export { CorsMiddleware } from './middleware/cors-middleware.js';
export type { HealthCheck } from './health/health-checks.js';
