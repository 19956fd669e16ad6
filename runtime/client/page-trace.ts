/**
 * The page's trace context on a call: when the page registered an OpenTelemetry SDK (a web SDK, which
 * registers through `@opentelemetry/api`), the context active at the call goes out as `traceparent` and
 * `tracestate` through the propagator the page registered, so that the servers' spans are children of the
 * page's. jitar/client imports no package, so it reads the API's global registry itself: the key and the
 * `context` and `propagation` entries are what every 1.x version of the API registers (its
 * `registerGlobal`). Without an SDK there is no registry, nothing is sent, and the first server starts the
 * trace.
 */

const API_KEY = Symbol.for('opentelemetry.js.api.1');

interface RegisteredApi
{
    context?: { active(): unknown };
    propagation?: { inject(context: unknown, carrier: Record<string, string>, setter: { set(carrier: Record<string, string>, key: string, value: string): void }): void };
}

const setter = { set: (carrier: Record<string, string>, key: string, value: string): void => { carrier[key] = value; } };

/** Writes the page's active trace context into `headers`, when the page registered an SDK. */
export function injectPageTrace(headers: Record<string, string>): void
{
    const api = (globalThis as Record<symbol, RegisteredApi | undefined>)[API_KEY];
    if (api?.context === undefined || api.propagation === undefined) return;
    api.propagation.inject(api.context.active(), headers, setter);
}
