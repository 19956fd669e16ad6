/** What a procedure call answered, as middleware sees it (Jitar's Response); middleware may change it. */
export class Response
{
    status: number;
    result: unknown;
    readonly #headers = new Map<string, string>();

    constructor(status: number, result: unknown)
    {
        this.status = status;
        this.result = result;
    }

    get headers(): Record<string, string>
    {
        return Object.fromEntries(this.#headers);
    }

    getHeader(name: string): string | undefined
    {
        return this.#headers.get(name.toLowerCase());
    }

    setHeader(name: string, value: string): void
    {
        this.#headers.set(name.toLowerCase(), value);
    }

    removeHeader(name: string): void
    {
        this.#headers.delete(name.toLowerCase());
    }
}
