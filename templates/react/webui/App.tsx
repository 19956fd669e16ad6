import { useState } from 'react';

import { greet } from '../src/domain/greet';
import { findPerson } from '../src/people/findPerson';

/** Calls two server procedures as if they were local: jitar sends each call to the segment that holds it. */
export function App()
{
    const [name, setName] = useState('Ann');
    const [answer, setAnswer] = useState('');

    const onGreet = async (): Promise<void> =>
    {
        try
        {
            setAnswer(await greet(await findPerson(name)));
        }
        catch (error)
        {
            setAnswer((error as Error).message);
        }
    };

    return (
        <main>
            <h1>{{name}}</h1>
            <input value={name} onChange={event => setName(event.target.value)} />
            <button onClick={() => void onGreet()}>Greet</button>
            <p id="answer">{answer}</p>
        </main>
    );
}
