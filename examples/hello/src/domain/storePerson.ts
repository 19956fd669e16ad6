import { Person } from './Person';

const people: Person[] = [];

export async function storePerson(person: Person): Promise<number>
{
    people.push(person);
    return people.length;
}

export async function findPerson(name: string): Promise<Person | undefined>
{
    return people.find(person => person.name === name);
}
