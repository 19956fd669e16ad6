import { HeaderMap } from './header-map.js';

/** What a procedure call answered, as middleware sees it (Jitar's Response); middleware may change it. */
export class Response
{
    status: number;
    #result: unknown;
    #headers: HeaderMap | undefined;

    constructor(status: number, result: unknown)
    {
        this.status = status;
        this.#result = result;
    }

    /** An accessor rather than a field, so that a forwarding service can decode the answer only when middleware reads it. */
    get result(): unknown
    {
        return this.#result;
    }

    set result(value: unknown)
    {
        this.#result = value;
    }

    get headers(): Record<string, string>
    {
        return this.#headers?.toObject() ?? {};
    }

    getHeader(name: string): string | undefined
    {
        return this.#headers?.get(name);
    }

    setHeader(name: string, value: string): void
    {
        this.#headers ??= new HeaderMap();
        this.#headers.set(name, value);
    }

    removeHeader(name: string): void
    {
        this.#headers?.remove(name);
    }
}
