import { NotFound } from 'jitar';

import { Person } from '../domain/Person';

const people = [new Person('Ann', 30), new Person('Bob', 42)];

export async function findPerson(name: string): Promise<Person>
{
    const person = people.find(candidate => candidate.name === name);
    if (person === undefined) throw new NotFound(`Nobody called ${name}`);
    return person;
}
