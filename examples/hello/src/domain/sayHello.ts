import type { Person } from './Person';

export async function sayHello(name = 'World'): Promise<string>
{
    return `Hello, ${name}!`;
}

export async function greetPerson({ name, age }: Person, ...friends: string[]): Promise<string>
{
    const company = friends.length > 0 ? ` with ${friends.join(', ')}` : '';
    return `Hello, ${name} (${age})${company}!`;
}
