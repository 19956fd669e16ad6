import { BadRequest } from 'jitar';

/** Thrown on the server, caught in the page as an InvalidEntry (status 400 over the RPC API). */
export class InvalidEntry extends BadRequest
{
    constructor(readonly reason: string)
    {
        super(reason);
    }
}
