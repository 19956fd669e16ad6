import { JitarError, ServerError } from '../errors.js';
import type { ProcedureManifest } from '../manifest.js';
import type { ValueCodec } from '../serialization/codec.js';

/**
 * The calling side of the RPC API, without a transport: what a process (a worker, a browser) sends to run
 * a procedure elsewhere, and what it makes of the answer. Calls between jitar processes always use the
 * serialized encoding, so that classes, built-ins and errors arrive as themselves.
 */

export interface OutgoingCall
{
    /** `/rpc/<fqn>`. */
    path: string;
    headers: Record<string, string>;
    body: string;
}

/** The request that runs `procedure` with `args` (wire arguments) on another process. */
export function encodeCall(procedure: ProcedureManifest, args: Record<string, unknown>, codec: ValueCodec, headers: Readonly<Record<string, string>> = {}): OutgoingCall
{
    return {
        path: `/rpc/${procedure.fqn}`,
        headers: {
            ...headers,
            'content-type': 'application/json',
            'x-jitar-procedure-version': procedure.version,
            'x-jitar-data-encoding': 'serialized'
        },
        body: JSON.stringify(codec.serialize(args))
    };
}

/** An RPC answer as the transport received it. */
export interface IncomingAnswer
{
    status: number;
    /** The `x-jitar-content-type` header (absent when something other than jitar answered). */
    jitarContentType: string | undefined;
    body: string;
}

/**
 * The result an answer carries, or the error it carries, thrown. An error that arrives in serialized form
 * is rebuilt as its class (a registered one, jitar's, or a built-in); any other failed answer becomes a
 * JitarError with the answer's status and text, so the status is never lost.
 */
export function decodeAnswer(answer: IncomingAnswer, codec: ValueCodec): unknown
{
    const { status, jitarContentType, body } = answer;
    if (status >= 400)
    {
        if (jitarContentType === 'application/json')
        {
            const error = codec.deserialize(parseJson(body));
            if (error instanceof Error) throw error;
        }
        throw errorWithStatus(status, body === '' ? `Remote call failed with status ${status}` : body);
    }

    switch (jitarContentType)
    {
        case 'text/plain': return body;
        case 'application/number': return Number(body);
        case 'application/boolean': return body === 'true';
        case 'application/undefined': return undefined;
        case 'application/null': return null;
        case 'application/json': return codec.deserialize(parseJson(body));
        default: throw new ServerError(`The remote answer has no jitar content type (status ${status}): not a jitar service?`);
    }
}

function parseJson(body: string): unknown
{
    try
    {
        return JSON.parse(body) as unknown;
    }
    catch (error)
    {
        throw new ServerError(`The remote answer is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
}

/** An error with the status a remote process answered with (JitarError's status is fixed per class). */
export function errorWithStatus(status: number, message: string): JitarError
{
    const error = new JitarError(message);
    Object.defineProperty(error, 'status', { value: status, enumerable: false });
    return error;
}
