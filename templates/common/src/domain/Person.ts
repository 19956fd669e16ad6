/** A class that crosses between processes (and the page) as itself. */
export class Person
{
    constructor(readonly name: string, readonly age: number) {}

    introduce(): string
    {
        return `${this.name} (${this.age})`;
    }
}
