import type { RemoteCaller } from '../core/procedure-runtime.js';
import type { ProcedureManifest } from '../manifest.js';
import { decodeAnswer, encodeCall } from './remote-call.js';
import type { ValueCodec } from '../serialization/codec.js';
import type { RpcHandler } from './rpc-handler.js';

export interface LoopbackCallerOptions
{
    /** The process's own RPC handler: the one a worker would answer the call with. */
    handler: Pick<RpcHandler, 'handle'>;
    codec: ValueCodec;
    /** Sent as `x-jitar-trust-key`, as a worker of a cluster sends it, so that protected procedures take the call. */
    trustKey: string;
    /** The headers of the request the calling procedure runs for, passed on as a worker passes them on. */
    forwardedHeaders: () => Readonly<Record<string, string>>;
}

/**
 * A standalone's calls between segments as a cluster would make them, without the network: the
 * arguments serialized and sent as JSON text, the handler's validation and answer, the answer decoded.
 * Every step is the one a worker and its peer take, so a value that would not survive the split (a
 * look-alike of a class, an object with a method) fails here with the same status and message.
 */
export class LoopbackCaller implements RemoteCaller
{
    readonly #options: LoopbackCallerOptions;

    constructor(options: LoopbackCallerOptions)
    {
        this.#options = options;
    }

    async call(procedure: ProcedureManifest, args: Record<string, unknown>): Promise<unknown>
    {
        const { handler, codec, trustKey, forwardedHeaders } = this.#options;
        const outgoing = encodeCall(procedure, args, codec, { ...forwardedHeaders(), 'x-jitar-trust-key': trustKey });
        const answer = await handler.handle({
            fqn: procedure.fqn,
            version: procedure.version,
            args: JSON.parse(outgoing.body) as Record<string, unknown>,
            source: 'body',
            headers: () => outgoing.headers,
            serialized: true,
            mode: 'call'
        });
        return decodeAnswer({ status: answer.status, jitarContentType: answer.headers['x-jitar-content-type'], body: answer.body }, codec);
    }
}
