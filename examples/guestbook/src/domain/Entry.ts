import { Visitor } from './Visitor';

/** Built on the server, sent to the page: it arrives there as an Entry, methods and all. */
export class Entry
{
    constructor(readonly visitor: Visitor, readonly message: string, readonly visit: number, readonly signedAt: Date) {}

    describe(): string
    {
        return `${this.visitor.name} (${this.visitor.age}) wrote "${this.message}" on visit ${this.visit}`;
    }
}
