import type * as NatsClient from '@nats-io/transport-node';

import { loadOnUse } from '../load-on-use.js';

/** The NATS client, loaded only for a service file that names such files (every start reads the file). */
const natsClient = (): typeof NatsClient => loadOnUse('@nats-io/transport-node') as typeof NatsClient;

/**
 * The checks of the files a `nats` key names for authentication, made when the service file is read: a
 * file that is not what it should be is reported by key and path at start, not as a refusal by the
 * server. Their messages never quote what the files hold: seeds are secrets.
 */

/**
 * The seed of a user nkey in a file (as `nk -gen user` or nsc write it: the seed, a line end after it),
 * as the client takes it; or why the file holds none, as a sentence.
 */
export function readNkeySeed(content: Uint8Array): Uint8Array | string
{
    // The client decodes the seed as it is: a line end would be an illegal character.
    const seed = new TextEncoder().encode(new TextDecoder().decode(content).trim());
    let publicKey: string;
    try
    {
        publicKey = natsClient().nkeys.fromSeed(seed).getPublicKey();
    }
    catch
    {
        return 'holds no nkey seed (one line starting with SU, as `nk -gen user` writes it)';
    }
    // The server takes user nkeys only; an account's or operator's seed would be refused there, less clearly.
    if (!publicKey.startsWith('U')) return `holds the seed of ${publicKey.startsWith('A') ? 'an account' : publicKey.startsWith('O') ? 'an operator' : 'another kind of'} nkey; a client signs in with a user nkey (its seed starts with SU)`;
    return seed;
}

/** A NATS .creds file's content (a user JWT and its nkey seed) as the client takes it; or why it is not one, as a sentence. */
export function readCredentials(content: Uint8Array): Uint8Array | string
{
    try
    {
        // The client's own reading, made now: it signs a nonce with the seed, which needs a valid one.
        natsClient().credsAuthenticator(content)('jitar');
        return content;
    }
    catch
    {
        return 'is not a NATS credentials file (the user JWT and its nkey seed between ----- lines, as nsc writes it)';
    }
}
