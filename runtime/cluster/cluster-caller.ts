import type { RemoteCaller } from '../core/procedure-runtime.js';
import type { ProcedureManifest } from '../manifest.js';
import { WorkerUnavailable } from '../errors.js';
import { decodeAnswer, encodeCall } from '../rpc/remote-call.js';
import type { ValueCodec } from '../serialization/codec.js';
import { forwardedHeaders } from './call-context.js';
import { ConnectionRefused, type Transport } from '../transport/transport.js';
import type { KnownWorkers } from './known-workers.js';

export interface ClusterCallerOptions
{
    client: Transport;
    codec: ValueCodec;
    workers: KnownWorkers;
    /** Where calls go that no known worker takes. */
    gateway: string;
    /** Sent as `x-jitar-trust-key`, so that protected procedures of other workers accept the call. */
    trustKey: string | undefined;
    /** Told when a call goes through the gateway because no known worker serves it (a worker the table does not have yet). */
    onNoRoute?: () => void;
    /**
     * Whether calls may go through the gateway now; absent, always. A worker with a trust key sends
     * through only a gateway that took it, which an open gateway does not: the key and the caller's
     * headers would go wherever that gateway sends them.
     */
    gatewayTrusted?: () => boolean;
}

/**
 * How a worker runs a procedure that other workers hold: straight to one of them, round robin, else
 * through the gateway. A worker that refuses the connection is skipped (nothing was sent); the answer
 * is decoded into the result or the error, as its class.
 */
export class ClusterCaller implements RemoteCaller
{
    readonly #options: ClusterCallerOptions;

    constructor(options: ClusterCallerOptions)
    {
        this.#options = options;
    }

    async call(procedure: ProcedureManifest, args: Record<string, unknown>): Promise<unknown>
    {
        const { client, codec, workers, gateway, trustKey } = this.#options;
        const headers = trustKey === undefined ? forwardedHeaders() : { ...forwardedHeaders(), 'x-jitar-trust-key': trustKey };
        const outgoing = encodeCall(procedure, args, codec, headers);
        // Made only when a worker refuses: most calls need none.
        let refused: Set<string> | undefined;

        for (;;)
        {
            // The gateway is the last resort; when it refuses too, the call fails with that.
            const target = workers.pick(procedure.fqn, procedure.version, refused) ?? gateway;
            if (target === gateway)
            {
                if (this.#options.gatewayTrusted?.() === false) throw new WorkerUnavailable(procedure.fqn);
                this.#options.onNoRoute?.();
            }
            try
            {
                const answer = await client.send(target, { method: 'POST', path: outgoing.path, headers: outgoing.headers, body: outgoing.body });
                const jitarContentType = answer.headers['x-jitar-content-type'];
                return decodeAnswer({ status: answer.status, jitarContentType: typeof jitarContentType === 'string' ? jitarContentType : undefined, body: answer.body.toString('utf8') }, codec);
            }
            catch (error)
            {
                if (!(error instanceof ConnectionRefused) || target === gateway) throw error;
                workers.forget(target);
                (refused ??= new Set()).add(target);
            }
        }
    }
}
