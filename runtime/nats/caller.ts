import type { RemoteCaller } from '../core/procedure-runtime.js';
import { forwardedHeaders } from '../cluster/call-context.js';
import { InvalidPeerAnswer, WorkerUnavailable } from '../errors.js';
import type { ProcedureManifest } from '../manifest.js';
import { decodeAnswer as decodeResult, encodeCall } from '../rpc/remote-call.js';
import type { ValueCodec } from '../serialization/codec.js';
import { sendTraced } from '../telemetry/traced-transport.js';
import { NoResponders, type NatsLink } from './connection.js';
import { decodeAnswer, encodeRequest } from './messages.js';
import { rpcSubject } from './subjects.js';

export interface NatsCallerOptions
{
    link: NatsLink;
    codec: ValueCodec;
    /** Sent as `x-jitar-trust-key`, so that protected procedures of other workers accept the call. */
    trustKey: string | undefined;
    /** Milliseconds another worker may take to answer (the worker's requestTimeout). */
    timeout: number;
}

/**
 * How a worker on NATS runs a procedure another worker holds: a request on the subject of that exact
 * version, which the server hands to one of the workers serving it; no gateway in the path. The answer
 * is decoded into the result, or the error as its class, as over HTTP. The request carries the call's
 * trace on, as a client span of its own when an SDK is registered (sendTraced), as HTTP calls do.
 */
export class NatsCaller implements RemoteCaller
{
    readonly #options: NatsCallerOptions;

    constructor(options: NatsCallerOptions)
    {
        this.#options = options;
    }

    async call(procedure: ProcedureManifest, args: Record<string, unknown>): Promise<unknown>
    {
        const { link, codec, trustKey, timeout } = this.#options;
        const headers = trustKey === undefined ? forwardedHeaders() : { ...forwardedHeaders(), 'x-jitar-trust-key': trustKey };
        const outgoing = encodeCall(procedure, args, codec, headers);
        const what = `${procedure.fqn}@${procedure.version}`;
        const subject = rpcSubject(link.settings.prefix, procedure.fqn, procedure.version);
        const answer = await sendTraced(procedure.fqn, () => ({ 'messaging.system': 'nats', 'messaging.destination.name': subject }), async extra =>
        {
            let bytes: Uint8Array;
            try
            {
                bytes = await link.request(subject, encodeRequest('POST', outgoing.path, { ...outgoing.headers, ...extra }, outgoing.body), timeout, what);
            }
            catch (error)
            {
                if (error instanceof NoResponders) throw new WorkerUnavailable(procedure.fqn, `No worker on NATS serves '${procedure.fqn}' version ${procedure.version} now`);
                throw error;
            }
            const decoded = decodeAnswer(bytes);
            if (typeof decoded === 'string') throw new InvalidPeerAnswer(`the worker serving '${what}' over NATS`, decoded);
            return decoded;
        }, decoded => decoded.status);
        const jitarContentType = answer.headers['x-jitar-content-type'];
        return decodeResult({ status: answer.status, jitarContentType, body: answer.body.toString('utf8') }, codec);
    }
}
