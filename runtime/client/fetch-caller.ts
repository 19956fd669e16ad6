import { JitarError, statusOf } from '../errors.js';
import type { ProcedureManifest } from '../manifest.js';
import type { WireArguments } from '../core/arguments.js';
import type { RemoteCaller } from '../core/procedure-runtime.js';
import { runChain, type Middleware } from '../middleware/middleware.js';
import { Request } from '../middleware/request.js';
import { Response } from '../middleware/response.js';
import { decodeAnswer, encodeCall } from '../rpc/remote-call.js';
import type { ValueCodec } from '../serialization/codec.js';
import { injectPageTrace } from './page-trace.js';

export type FetchFunction = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<globalThis.Response>;

export interface FetchCallerOptions
{
    /** The service that answers `/rpc/*`: empty for the page's own origin. */
    remoteUrl: string;
    codec: ValueCodec;
    /** Run around every call in order; read at call time, so middleware added later applies. */
    middleware: readonly Middleware[];
    fetch: FetchFunction;
}

/**
 * Runs procedures held elsewhere over HTTP with `fetch` (the browser's, or Node's): the RPC API's calling
 * side (`encodeCall`, `decodeAnswer`) with the client's middleware around it. Middleware sees the answer
 * before it becomes a result or a thrown error, so it may retry or replace it.
 */
export class FetchCaller implements RemoteCaller
{
    readonly #options: FetchCallerOptions;

    constructor(options: FetchCallerOptions)
    {
        this.#options = { ...options, remoteUrl: options.remoteUrl.replace(/\/+$/, '') };
    }

    async call(procedure: ProcedureManifest, args: WireArguments): Promise<unknown>
    {
        const request = new Request(procedure.fqn, procedure.version, args, {});
        const response = await runChain(this.#options.middleware, request, () => this.#send(procedure, request));
        if (response.status < 400) return response.result;
        if (response.result instanceof Error) throw response.result;
        throw new JitarError(`Calling '${procedure.fqn}' failed with status ${response.status}`);
    }

    async #send(procedure: ProcedureManifest, request: Request): Promise<Response>
    {
        const { codec, remoteUrl, fetch } = this.#options;
        const call = encodeCall(procedure, { ...request.args }, codec, request.headers);
        const url = `${remoteUrl}${call.path}`;
        injectPageTrace(call.headers);

        let answer: globalThis.Response;
        let body: string;
        try
        {
            answer = await fetch(url, { method: 'POST', headers: call.headers, body: call.body });
            body = await answer.text();
        }
        catch (error)
        {
            throw new JitarError(`Cannot reach ${url === call.path ? 'the page\'s server' : remoteUrl} to run '${procedure.fqn}': ${reasonOf(error)}`, { cause: error });
        }

        let response: Response;
        try
        {
            response = new Response(answer.status, decodeAnswer({ status: answer.status, jitarContentType: answer.headers.get('x-jitar-content-type') ?? undefined, body }, codec));
        }
        catch (error)
        {
            response = new Response(answer.status >= 400 ? answer.status : statusOf(error), error);
        }
        answer.headers.forEach((value, name) => response.setHeader(name, value));
        return response;
    }
}

/** The message of what fetch threw; read by shape, since it may come from another realm than this module. */
function reasonOf(error: unknown): string
{
    const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
    return typeof message === 'string' ? message : String(error);
}
