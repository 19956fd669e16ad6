/** The `jitar` package as apps and tools import it. */
export * from './manifest.js';
export { packageVersion } from './version.js';
export {
    JitarError, BadRequest, Unauthorized, PaymentRequired, Forbidden, NotFound, Teapot, ServerError, NotImplemented,
    ProcedureNotFound, ProcedureNotAccessible, WorkerUnavailable, RemoteCallFailed, RemoteCallTimedOut
} from './errors.js';
export { Request } from './middleware/request.js';
export { Response } from './middleware/response.js';
export { CorsMiddleware } from './middleware/cors-middleware.js';
export type { Middleware, NextHandler } from './middleware/middleware.js';
export type { HealthCheck } from './services/health-checks.js';
