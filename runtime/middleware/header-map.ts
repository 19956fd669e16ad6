/** Headers by lower-cased name, as both the Request and the Response of middleware keep them. */
export class HeaderMap
{
    readonly #headers: Map<string, string>;

    constructor(headers: Record<string, string> = {})
    {
        this.#headers = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    }

    get(name: string): string | undefined
    {
        return this.#headers.get(name.toLowerCase());
    }

    set(name: string, value: string): void
    {
        this.#headers.set(name.toLowerCase(), value);
    }

    remove(name: string): void
    {
        this.#headers.delete(name.toLowerCase());
    }

    toObject(): Record<string, string>
    {
        return Object.fromEntries(this.#headers);
    }
}
