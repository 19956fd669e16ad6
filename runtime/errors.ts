import { VERSION_HEADER } from './procedure-versions.js';

/**
 * Errors that carry an HTTP status: Jitar's documented set, which apps throw and subclass, and the runtime's own.
 * Subclasses keep their parent's status.
 */
export class JitarError extends Error
{
    /** The HTTP status an RPC answer gets when this error is thrown. */
    readonly status: number = 500;

    constructor(message?: string, options?: ErrorOptions)
    {
        super(message, options);
        this.name = new.target.name;
    }
}

export class BadRequest extends JitarError { override readonly status: number = 400; }
export class Unauthorized extends JitarError { override readonly status: number = 401; }
export class PaymentRequired extends JitarError { override readonly status: number = 402; }
export class Forbidden extends JitarError { override readonly status: number = 403; }
export class NotFound extends JitarError { override readonly status: number = 404; }
export class Teapot extends JitarError { override readonly status: number = 418; }
export class ServerError extends JitarError { override readonly status: number = 500; }
export class NotImplemented extends JitarError { override readonly status: number = 501; }

/** A call that no reachable version of a procedure answers, and what the caller could ask for instead. */
export interface VersionMiss
{
    /** The versions callers can reach (public and protected, never private), in ascending order. */
    readonly versions: readonly string[];
    /** The `x-jitar-procedure-version` header as sent; undefined when none was. */
    readonly header: string | undefined;
}

/**
 * No implementation of that FQN and version is known. When other versions are (`miss`), the message
 * names them and the header that selects one: a caller who sent no header learns why 1.0.0 did not answer.
 */
export class ProcedureNotFound extends NotFound
{
    /** The versions there are, when the procedure exists at other versions; empty when it is unknown. */
    readonly versions: readonly string[];

    /** `near`: a served name the caller likely meant, offered when the name itself is not served. */
    constructor(readonly fqn: string, readonly version: string, miss?: VersionMiss, near?: string)
    {
        super(notFoundMessage(fqn, version, miss, near));
        this.versions = miss?.versions ?? [];
    }
}

function notFoundMessage(fqn: string, version: string, miss: VersionMiss | undefined, near: string | undefined): string
{
    if (miss === undefined || miss.versions.length === 0) return `Procedure '${fqn}' not found${near === undefined ? '' : `; did you mean '${near}'?`}`;
    const asked = miss.header === undefined ? 'no version header was sent, which means 0.0.0'
        : miss.header === '' ? 'the version header was empty, which means 0.0.0'
            : `asked by the header '${VERSION_HEADER}: ${miss.header}'`;
    const { versions } = miss;
    // A version selects itself or the greatest one below it: any of them works, the newest is the likely wish.
    const advice = versions.length === 1
        ? `it has version ${versions[0]}: send the header '${VERSION_HEADER}: ${versions[0]}'`
        : `it has versions ${versions.join(', ')}: send one in the header, e.g. '${VERSION_HEADER}: ${versions[versions.length - 1]}'`;
    return `Procedure '${fqn}' not found at version ${version} (${asked}); ${advice}`;
}

/** A version header that is no version: Jitar's message, and what a version looks like. */
export class InvalidVersionNumber extends BadRequest
{
    constructor(readonly header: string)
    {
        super(`Invalid version number '${header}' in the header '${VERSION_HEADER}': use major.minor.patch, like 1.0.0 (1 and 1.2 are read as 1.0.0 and 1.2.0)`);
    }
}

/** A private procedure, called from outside the segments that hold it. */
export class ProcedureNotAccessible extends Forbidden
{
    constructor(readonly fqn: string, readonly version: string, readonly segments: readonly string[])
    {
        super(`Procedure '${fqn}' (version ${version}) is private to segment${segments.length === 1 ? '' : 's'} ${segments.map(segment => `'${segment}'`).join(', ')} and cannot be called from outside ${segments.length === 1 ? 'it' : 'them'}`);
    }
}

/**
 * The HTTP status of a thrown value: the status of a Jitar error class (subclasses keep their parent's),
 * else 500. Errors from another copy of this package carry a status too, so the number is read, not the class.
 */
export function statusOf(error: unknown): number
{
    const status = error instanceof Error ? (error as Error & { status?: unknown }).status : undefined;
    return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
}

/**
 * A value that the serializer refuses: on the way in (a malformed or unsafe wire value, an unknown class)
 * or on the way out (an instance of an unregistered class, a function, a cycle). `path` names the value
 * inside the structure (`person.address[2]`), `reason` says what is wrong with it.
 */
export class InvalidSerialization extends BadRequest
{
    constructor(readonly direction: 'serialize' | 'deserialize', readonly path: string, readonly reason: string, options?: ErrorOptions)
    {
        super(`Cannot ${direction} ${path}: ${reason}`, options);
    }
}

/** No available worker serves the procedure right now (a gateway's answer, or a worker's own routing). */
export class WorkerUnavailable extends ServerError
{
    override readonly status: number = 503;

    constructor(readonly fqn: string, message = `No available worker serves '${fqn}'`)
    {
        super(message);
    }
}

/**
 * No worker has registered for a procedure the gateway expects (the build lists it, or the gateway has
 * just started and its workers have yet to come back): a 503, since trying again will find one.
 */
export class NoWorkerYet extends WorkerUnavailable
{
    constructor(fqn: string)
    {
        super(fqn, `No worker serves '${fqn}' yet; try again`);
    }
}

/** The connection to another process broke while a request was on its way; it may have run there. */
export class RemoteCallFailed extends ServerError
{
    override readonly status: number = 502;
}

/** Another process answered with something that cannot be passed on (an invalid status or header). */
export class InvalidPeerAnswer extends RemoteCallFailed
{
    constructor(readonly origin: string, readonly problem: string)
    {
        super(`${origin} sent an answer that cannot be passed on: ${problem}`);
    }
}

/** Another process took longer than the configured timeout to answer. */
export class RemoteCallTimedOut extends ServerError
{
    override readonly status: number = 504;
}

/**
 * A procedure that did not return within the service's `requestTimeout`. Its promise is abandoned: a
 * running function cannot be cancelled, so whatever it still does goes on, unanswered.
 */
export class ProcedureTimedOut extends ServerError
{
    override readonly status: number = 504;

    constructor(readonly fqn: string, readonly limit: number)
    {
        super(`Procedure '${fqn}' did not return within ${limit} ms (the service's requestTimeout); its answer is abandoned`);
    }
}

/** The connection to the NATS servers is down (it reconnects by itself): calls fail at once until it is back. */
export class BrokerUnavailable extends ServerError
{
    override readonly status: number = 503;
}

/** A request or answer larger than the NATS server takes in one message (its `max_payload`). */
export class MessageTooLarge extends JitarError
{
    override readonly status: number = 413;
}
