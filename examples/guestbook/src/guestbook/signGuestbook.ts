import { Entry } from '../domain/Entry';
import { InvalidEntry } from '../domain/InvalidEntry';
import type { Visitor } from '../domain/Visitor';
import { countVisit } from '../visits/countVisit';

const entries: Entry[] = [];

export async function signGuestbook(visitor: Visitor, message: string): Promise<Entry>
{
    if (visitor.name.trim() === '') throw new InvalidEntry('A guestbook entry needs a name');
    if (!visitor.isAdult()) throw new InvalidEntry(`${visitor.name} is ${visitor.age}: ask a grown-up to sign the guestbook`);

    // Another segment's protected procedure: in-process in the standalone, through the gateway when split.
    const visit = await countVisit(visitor.name);
    const entry = new Entry(visitor, message, visit, new Date());
    entries.push(entry);
    return entry;
}

export async function listEntries(): Promise<Entry[]>
{
    return [...entries];
}
