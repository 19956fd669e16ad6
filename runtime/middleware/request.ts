import { HeaderMap } from './header-map.js';

/** Headers as they arrive: lower-cased names; a repeated header may come as a list. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * An RPC request as middleware sees it (Jitar's Request): which procedure, its arguments by wire name,
 * and the headers, all of which middleware may change before the procedure runs. Header names are
 * lower-cased. Arguments and headers are copied only when middleware changes them: most requests are
 * only read.
 */
export class Request
{
    readonly fqn: string;
    readonly version: string;
    #args: Record<string, unknown>;
    #ownArgs = false;
    readonly #incoming: RequestHeaders;
    #headers: HeaderMap | undefined;

    constructor(fqn: string, version: string, args: Record<string, unknown>, headers: RequestHeaders)
    {
        this.fqn = fqn;
        this.version = version;
        this.#args = args;
        this.#incoming = headers;
    }

    /** The arguments by wire name, as middleware left them. */
    get args(): Readonly<Record<string, unknown>>
    {
        return this.#args;
    }

    get headers(): Record<string, string>
    {
        return this.#headers?.toObject() ?? normalize(this.#incoming);
    }

    getArgument(name: string): unknown
    {
        return this.#args[name];
    }

    setArgument(name: string, value: unknown): void
    {
        this.#writableArgs()[name] = value;
    }

    removeArgument(name: string): void
    {
        delete this.#writableArgs()[name];
    }

    getHeader(name: string): string | undefined
    {
        if (this.#headers !== undefined) return this.#headers.get(name);
        const value = this.#incoming[name.toLowerCase()];
        return typeof value === 'string' || value === undefined ? value : value.join(', ');
    }

    setHeader(name: string, value: string): void
    {
        this.#writableHeaders().set(name, value);
    }

    removeHeader(name: string): void
    {
        this.#writableHeaders().remove(name);
    }

    #writableArgs(): Record<string, unknown>
    {
        if (!this.#ownArgs)
        {
            this.#args = { ...this.#args };
            this.#ownArgs = true;
        }
        return this.#args;
    }

    #writableHeaders(): HeaderMap
    {
        this.#headers ??= new HeaderMap(normalize(this.#incoming));
        return this.#headers;
    }
}

function normalize(headers: RequestHeaders): Record<string, string>
{
    const result: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers))
    {
        if (value !== undefined) result[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
    }
    return result;
}
