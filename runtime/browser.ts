/**
 * The `jitar` package as a page imports it (the `browser` condition of its exports): what app code shared
 * with the browser uses (the error classes, the middleware types), without anything that needs Node.
 */
export * from './manifest.js';
export {
    JitarError, BadRequest, Unauthorized, PaymentRequired, Forbidden, NotFound, Teapot, ServerError, NotImplemented,
    ProcedureNotFound, ProcedureNotAccessible, WorkerUnavailable, RemoteCallFailed, RemoteCallTimedOut
} from './errors.js';
export { Request } from './middleware/request.js';
export { Response } from './middleware/response.js';
export type { Middleware, NextHandler } from './middleware/middleware.js';
