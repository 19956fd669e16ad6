import { HeaderMap } from './header-map.js';

/**
 * An RPC request as middleware sees it (Jitar's Request): which procedure, its arguments by wire name,
 * and the headers, all of which middleware may change before the procedure runs. Header names are
 * lower-cased.
 */
export class Request
{
    readonly fqn: string;
    readonly version: string;
    readonly #args: Map<string, unknown>;
    readonly #headers: HeaderMap;

    constructor(fqn: string, version: string, args: Record<string, unknown>, headers: Record<string, string>)
    {
        this.fqn = fqn;
        this.version = version;
        this.#args = new Map(Object.entries(args));
        this.#headers = new HeaderMap(headers);
    }

    get args(): Record<string, unknown>
    {
        return Object.fromEntries(this.#args);
    }

    get headers(): Record<string, string>
    {
        return this.#headers.toObject();
    }

    getArgument(name: string): unknown
    {
        return this.#args.get(name);
    }

    setArgument(name: string, value: unknown): void
    {
        this.#args.set(name, value);
    }

    removeArgument(name: string): void
    {
        this.#args.delete(name);
    }

    getHeader(name: string): string | undefined
    {
        return this.#headers.get(name);
    }

    setHeader(name: string, value: string): void
    {
        this.#headers.set(name, value);
    }

    removeHeader(name: string): void
    {
        this.#headers.remove(name);
    }
}
