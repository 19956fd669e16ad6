import { installRuntime, type ProxyTarget } from '../core/global-runtime.js';
import { ProcedureRuntime } from '../core/procedure-runtime.js';
import type { SegmentModule } from '../core/segment-module.js';
import type { Manifest } from '../manifest.js';
import type { Middleware } from '../middleware/middleware.js';
import { codecOf } from '../serialization/codec.js';
import { createClassResolver, type ClassConstructor } from '../serialization/class-resolver.js';
import { FetchCaller, type FetchFunction } from './fetch-caller.js';

export type ClientClass = SegmentModule['classes'][number];

export interface ClientOptions
{
    /** The procedures the page may call and the classes it exchanges (the jitar/vite plugin derives it from the app's manifest). */
    manifest: Manifest;
    /** The registered classes the page loaded, by key: only these (and the listed built-ins) are rebuilt from answers. */
    classes?: readonly ClientClass[];
    /** Segments whose procedures run in the page itself. */
    segments?: readonly SegmentModule[];
    /** The service that answers `/rpc/*` (a standalone, proxy or gateway); default: the page's own origin. */
    remoteUrl?: string;
    /** Client middleware, run around every remote call in order (adding an authorization header, say). */
    middleware?: Middleware[];
    fetch?: FetchFunction;
}

/**
 * The runtime of a page: proxies ask it to run `fqn@version`; it runs the page's own segments in place
 * and everything else over `fetch`, with classes, built-ins and errors serialized both ways.
 */
export class JitarClient implements ProxyTarget
{
    readonly #runtime: ProcedureRuntime;
    readonly #middleware: Middleware[];

    constructor(options: ClientOptions)
    {
        const segments = options.segments ?? [];
        const constructors = new Map<string, ClassConstructor>();
        for (const item of [...(options.classes ?? []), ...segments.flatMap(segment => segment.classes)])
        {
            constructors.set(item.key, item.implementation as ClassConstructor);
        }
        this.#middleware = options.middleware ?? [];
        const caller = new FetchCaller({
            remoteUrl: options.remoteUrl ?? '',
            codec: codecOf(createClassResolver(options.manifest.classes, constructors)),
            middleware: this.#middleware,
            fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init))
        });
        this.#runtime = new ProcedureRuntime(options.manifest, caller);
        for (const segment of segments) this.#runtime.register(segment);
    }

    /** Adds middleware after those already there; it applies to calls from now on. */
    use(middleware: Middleware): this
    {
        this.#middleware.push(middleware);
        return this;
    }

    run(fqn: string, version: string, args: ArrayLike<unknown>): Promise<unknown>
    {
        return this.#runtime.run(fqn, version, args);
    }
}

/** Middleware that `useMiddleware` adds before (or after) the page's client starts. */
const pageMiddleware: Middleware[] = [];

/** Adds client middleware to the page's client, whether it has started yet or not. */
export function useMiddleware(middleware: Middleware): void
{
    pageMiddleware.push(middleware);
}

/** Creates the page's client and makes it the runtime that proxies call. */
export function startClient(options: ClientOptions): JitarClient
{
    const client = new JitarClient({ middleware: pageMiddleware, ...options });
    installRuntime(client);
    return client;
}
