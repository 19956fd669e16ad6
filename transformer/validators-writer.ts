import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

import type { Manifest } from '../runtime/manifest.js';
import { argumentSchemas } from '../runtime/validation/argument-schemas.js';
import { VALIDATORS_FORMAT, VALIDATORS_PATH } from '../runtime/validation/validators-module.js';
import { validatorsSource } from './validators-source.js';
import type { ValidatorsOutcome, ValidatorsWork } from './validators-worker.js';

/**
 * The argument validators of every procedure of the manifest, compiled by Ajv at build time rather than
 * at each start (runtime/validation/validators-module.ts describes the module and reads it). Compiling
 * them is a quarter of a 1,000-procedure build (bench/compile), so for an app of many a worker thread does
 * it while the build type-checks and emits, and the build takes the text when it writes its files.
 */
export interface PendingValidators
{
    /**
     * What the manifest must carry as `validators`: the hash of what the validators are made from, of the
     * compiler's version and of the module's format, so that a module of another build or version is not used.
     */
    readonly hash: string;
    /** Waits for the text, and writes it into the target folder. */
    write(targetFolder: string): void;
    /** The build failed: nothing is written. */
    abandon(): void;
}

const WORKER = fileURLToPath(new URL('./validators-worker.js', import.meta.url));
// Run from the TypeScript sources (the tests), there is no worker module to start.
const hasWorker = existsSync(WORKER);

/**
 * From this many distinct schemas on, the worker: starting it costs ~70 ms (a thread, Node, Ajv), about
 * what compiling a dozen schemas here costs (bench/startup's one-procedure build got slower with it).
 */
const WORKER_FROM_SCHEMAS = 32;

/** The build waits this long for the worker: one that died (out of memory, say) posts nothing. */
const WORKER_DEADLINE = 120_000;

/** `inWorker`: by default, for apps of WORKER_FROM_SCHEMAS distinct schemas or more, when the worker module is there. */
export function startValidators(manifest: Manifest, inWorker?: boolean): PendingValidators
{
    const schemas = argumentSchemas(manifest, manifest.procedures);
    const hash = createHash('sha256').update(JSON.stringify([VALIDATORS_FORMAT, manifest.compiler, schemas])).digest('hex').slice(0, 32);
    if (!hasWorker || !(inWorker ?? schemas.schemas.length >= WORKER_FROM_SCHEMAS)) return { hash, write: target => writeText(target, validatorsSource(schemas, hash)), abandon: () => {} };

    const done = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const { port1: answers, port2 } = new MessageChannel();
    const work: ValidatorsWork = { schemas, hash, done, port: port2 };
    const worker = new Worker(WORKER, { workerData: work, transferList: [port2] });
    // A build that fails never waits for it.
    worker.unref();
    // A worker that could not start or died posts nothing: write() says so; the event itself is not a crash.
    worker.on('error', () => {});
    const stop = (): void => { answers.close(); void worker.terminate(); };
    return {
        hash,
        write: target =>
        {
            // The build is synchronous (its API is); it blocks here, the worker posts and then wakes it.
            Atomics.wait(done, 0, 0, WORKER_DEADLINE);
            const outcome = receiveMessageOnPort(answers)?.message as ValidatorsOutcome | undefined;
            stop();
            if (outcome === undefined) throw new Error(`The worker thread compiling the argument validators gave no answer within ${WORKER_DEADLINE / 1000} s`);
            if ('error' in outcome) throw new Error(`Compiling the argument validators failed: ${outcome.error}`);
            writeText(target, outcome.source);
        },
        abandon: stop
    };
}

/** startValidators and write, in one: for builds that have nothing to do meanwhile. */
export function writeValidators(manifest: Manifest, targetFolder: string): string
{
    const validators = startValidators(manifest);
    validators.write(targetFolder);
    return validators.hash;
}

function writeText(targetFolder: string, text: string): void
{
    const path = join(targetFolder, VALIDATORS_PATH);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
}
