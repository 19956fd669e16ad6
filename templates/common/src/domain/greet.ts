import type { Person } from './Person';

export async function greet(person: Person): Promise<string>
{
    return `Hello, ${person.introduce()}!`;
}
