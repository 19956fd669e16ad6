/** Built in the page, sent to the server: it arrives there as a Visitor, methods and all. */
export class Visitor
{
    constructor(readonly name: string, readonly age: number) {}

    isAdult(): boolean
    {
        return this.age >= 18;
    }
}
