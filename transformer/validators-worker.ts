import { parentPort, workerData, type MessagePort } from 'node:worker_threads';

import type { ArgumentSchemas } from '../runtime/validation/argument-schemas.js';
import { validatorsSource } from './validators-source.js';

/**
 * The worker thread of validators-writer.ts: makes the validators module's text and posts it, then wakes
 * the build, which waits for it without an event loop (Atomics.wait): it posts in every case, an error too.
 */
export interface ValidatorsWork
{
    schemas: ArgumentSchemas;
    hash: string;
    /** Int32Array over a SharedArrayBuffer: set to 1 once the message is posted. */
    done: Int32Array;
    port: MessagePort;
}

export type ValidatorsOutcome = { source: string } | { error: string };

const { schemas, hash, done, port } = workerData as ValidatorsWork;
let outcome: ValidatorsOutcome;
try
{
    outcome = { source: validatorsSource(schemas, hash) };
}
catch (error)
{
    outcome = { error: error instanceof Error ? error.stack ?? error.message : String(error) };
}
port.postMessage(outcome);
Atomics.store(done, 0, 1);
Atomics.notify(done, 0);
parentPort?.close();
