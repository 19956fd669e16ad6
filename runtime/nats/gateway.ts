import { BadRequest, InvalidPeerAnswer, InvalidVersionNumber, NoWorkerYet, ProcedureNotFound, WorkerUnavailable } from '../errors.js';
import { nearProcedureName } from '../rpc/near-name.js';
import { greatestAtOrBelow, ownVersion, parseVersion, VERSION_HEADER } from '../procedure-versions.js';
import { sameTrustKey } from '../rpc/trust-key.js';
import { NoResponders, type NatsLink } from './connection.js';
import type { ListedWorker, ServedProcedure, WorkerDirectory } from './directory.js';
import { decodeAnswer, encodeRequest } from './messages.js';
import { rpcSubject } from './subjects.js';
import { requestHeader } from '../transport/raw-headers.js';
import type { HttpAnswer, HttpRequest } from '../transport/transport.js';

export interface NatsGatewayOptions
{
    link: NatsLink;
    directory: WorkerDirectory;
    /** Milliseconds a worker may take to answer (the gateway's requestTimeout). */
    timeout: number;
    /** Opens the list of workers, as on an HTTP gateway; undefined: anyone may read it. */
    trustKey: string | undefined;
    /** The versions of each public and protected procedure of the app's build, when the gateway has one. */
    build: ReadonlyMap<string, readonly string[]> | undefined;
}

/**
 * A gateway on NATS: stateless, any number of them side by side. It turns each HTTP RPC request into a
 * NATS request on the subject of the version it picks (the greatest served at or below the asked one,
 * as a worker picks), and the answer back into HTTP. Which workers exist it learns from discovery
 * (WorkerDirectory); which one answers is the server's choice (queue groups).
 */
export class NatsGateway
{
    readonly #options: NatsGatewayOptions;

    constructor(options: NatsGatewayOptions)
    {
        this.#options = options;
    }

    trusts(key: unknown): boolean
    {
        return this.#options.trustKey === undefined || sameTrustKey(this.#options.trustKey, key);
    }

    workers(): ListedWorker[]
    {
        return this.#options.directory.list();
    }

    procedures(): ServedProcedure[]
    {
        return this.#options.directory.procedures();
    }

    async forward(fqn: string, request: HttpRequest): Promise<HttpAnswer>
    {
        const { link, directory, timeout, build } = this.#options;
        const header = requestHeader(request.headers, VERSION_HEADER);
        const asked = parseVersion(header);
        // As a worker answers it, without the trip.
        if (asked === undefined) throw new InvalidVersionNumber(header ?? '');
        const served = directory.versionsOf(fqn);
        // Nobody announced it (yet): the build's versions, else the asked one, are tried all the same.
        const candidates = served.length > 0 ? served : build?.get(fqn) ?? [asked];
        const version = greatestAtOrBelow(candidates, asked, ownVersion);
        if (version === undefined) throw new ProcedureNotFound(fqn, asked, { versions: [...candidates], header });

        let bytes: Uint8Array;
        try
        {
            bytes = await link.request(rpcSubject(link.settings.prefix, fqn, version), encodeRequest(request.method, request.path, request.headers, request.body), timeout, fqn);
        }
        catch (error)
        {
            if (!(error instanceof NoResponders)) throw error;
            if (served.length > 0) throw new WorkerUnavailable(fqn);
            if (build?.has(fqn) === true) throw new NoWorkerYet(fqn);
            throw new ProcedureNotFound(fqn, asked, undefined, nearProcedureName(fqn, directory.list().flatMap(worker => worker.procedureNames)));
        }
        const answer = decodeAnswer(bytes);
        if (typeof answer === 'string') throw new InvalidPeerAnswer(`the worker serving '${fqn}' over NATS`, answer);
        return answer;
    }
}
