// The page's code: it imports the app's procedures and classes as if they were local.
import { useMiddleware } from 'jitar/client';

import { Entry } from '../src/domain/Entry';
import { InvalidEntry } from '../src/domain/InvalidEntry';
import { Visitor } from '../src/domain/Visitor';
import { listEntries, signGuestbook } from '../src/guestbook/signGuestbook';
import { countVisit } from '../src/visits/countVisit';

const element = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;
const input = (id: string): string => (element(id) as HTMLInputElement).value;

// Client middleware runs around every call the page sends (it could add an authorization header).
let calls = 0;
useMiddleware({
    async handle(request, next)
    {
        calls++;
        element('calls').textContent = `${calls} call${calls === 1 ? '' : 's'} sent to the server, the last to ${request.fqn}`;
        return next();
    }
});

async function show(work: () => Promise<string>): Promise<void>
{
    element('result').textContent = '';
    element('error').textContent = '';
    try
    {
        element('result').textContent = await work();
    }
    catch (error)
    {
        const kind = error instanceof InvalidEntry ? 'InvalidEntry' : 'Error';
        element('error').textContent = `${kind} (${(error as { status?: number }).status ?? '?'}): ${(error as Error).message}`;
    }
    await showEntries();
}

async function showEntries(): Promise<void>
{
    const entries = await listEntries();
    element('entries').replaceChildren(...entries.map(entry =>
    {
        const item = document.createElement('li');
        item.textContent = `${entry.describe()} at ${entry.signedAt.toLocaleTimeString()}`;
        return item;
    }));
}

element('sign').addEventListener('submit', event =>
{
    event.preventDefault();
    void show(async () =>
    {
        // A Visitor goes to the server; an Entry comes back, with its methods.
        const entry = await signGuestbook(new Visitor(input('name'), Number(input('age'))), input('message'));
        return `${entry instanceof Entry ? 'Entry' : 'Object'}: ${entry.describe()}`;
    });
});

element('count-button').addEventListener('click', () =>
{
    void show(async () => `Visit ${await countVisit(input('name'))}`);
});

void showEntries();
