import { BadRequest, InvalidSerialization, InvalidVersionNumber, ProcedureNotFound, statusOf, Unauthorized } from '../errors.js';
import type { ProcedureRuntime } from '../core/procedure-runtime.js';
import type { Manifest, ProcedureManifest } from '../manifest.js';
import { runChain, type Middleware } from '../middleware/middleware.js';
import { Request, type RequestHeaders } from '../middleware/request.js';
import { Response } from '../middleware/response.js';
import type { ValueCodec } from '../serialization/codec.js';
import type { ClassForm } from '../serialization/encoding.js';
import { nearProcedureName } from './near-name.js';
import type { ArgumentValidator } from './argument-validator.js';
import { ProcedureDeadlines } from './procedure-deadline.js';
import { encodeAnswer, type EncodedAnswer } from './result-encoding.js';
import { sameTrustKey } from './trust-key.js';
import { compareVersions, greatestAtOrBelow, parseVersion } from '../procedure-versions.js';

/** An RPC request, whatever transport brought it. Header names are lower-cased. */
export interface RpcCall
{
    fqn: string;
    /** The `x-jitar-procedure-version` header as sent. */
    version: string | undefined;
    args: Record<string, unknown>;
    /** Where the arguments came from: query strings are text, and get coerced to the declared types. */
    source: 'query' | 'body';
    /** The request's headers; a function, because building them costs and most calls never look. */
    headers: () => RequestHeaders;
    /** Arguments and result in serialized form (`?serialize=true` or `x-jitar-data-encoding: serialized`). */
    serialized: boolean;
    /**
     * The form of class instances in a serialized answer: the documented one (`seed`) for `?serialize=true`
     * (Jitar's RPC API page),
     * else the reference's (`x-jitar-data-encoding`, as its clients and workers send). Default reference.
     */
    classForm?: ClassForm;
    /** `dry-run` checks the arguments and runs nothing; `preflight` only runs the middleware (CORS). */
    mode: 'call' | 'dry-run' | 'preflight';
}

export type RpcAnswer = EncodedAnswer;

/**
 * Runs around every call the handler answers (telemetry: spans, metrics, request ids in logs); `run`
 * answers the call.
 */
export type RpcObserver = (call: RpcCall, run: () => Promise<RpcAnswer>) => Promise<RpcAnswer>;

/** The errors failed answers were made of, while an observer may ask (answers are not kept otherwise). */
const failures = new WeakMap<RpcAnswer, Error>();

/** The error a failed answer was made of, when the handler has an observer; undefined otherwise. */
export function failureOf(answer: RpcAnswer): Error | undefined
{
    return failures.get(answer);
}

export interface RpcHandlerOptions
{
    trustKey?: string;
    middleware: readonly Middleware[];
    codec: ValueCodec;
    /**
     * Runs a procedure with the headers of the request it runs for at hand, so that the calls it makes to
     * other processes carry them along (workers of a cluster); absent, procedures just run.
     */
    withHeaders?: <T>(headers: RequestHeaders, run: () => Promise<T>) => Promise<T>;
    /**
     * Milliseconds a procedure may take before the call is answered 504 and its promise abandoned (the
     * service's requestTimeout); undefined: no limit.
     */
    procedureTimeout?: number;
    /** Runs around every call (telemetry); absent, calls are answered as they come. */
    observe?: RpcObserver;
    /** Told about failures that are the server's fault (status 500), for the log. */
    onServerError?: (error: unknown, call: RpcCall) => void;
}

/**
 * Jitar's RPC API as its documentation describes it, without a transport: version selection, access, middleware, validation,
 * the call, and the answer as status, headers and body. The Fastify adapter only translates HTTP.
 */
export class RpcHandler
{
    readonly #exposed = new Map<string, ProcedureManifest[]>();
    readonly #runtime: ProcedureRuntime;
    readonly #validator: ArgumentValidator;
    readonly #options: RpcHandlerOptions;
    readonly #deadlines: ProcedureDeadlines | undefined;

    constructor(manifest: Manifest, runtime: ProcedureRuntime, validator: ArgumentValidator, options: RpcHandlerOptions)
    {
        // Private procedures are never reachable over the network: to a caller they do not exist.
        for (const procedure of manifest.procedures)
        {
            if (procedure.access === 'private' || !runtime.holds(procedure.fqn, procedure.version)) continue;
            const versions = this.#exposed.get(procedure.fqn) ?? [];
            versions.push(procedure);
            this.#exposed.set(procedure.fqn, versions);
        }
        for (const versions of this.#exposed.values()) versions.sort((a, b) => compareVersions(a.version, b.version));
        this.#runtime = runtime;
        this.#validator = validator;
        this.#options = options;
        this.#deadlines = options.procedureTimeout === undefined ? undefined : new ProcedureDeadlines(options.procedureTimeout);
    }

    /** The FQNs this process serves over RPC. */
    get fqns(): string[]
    {
        return [...this.#exposed.keys()].sort();
    }

    /** The versions this process serves over RPC, per FQN. */
    get procedures(): { fqn: string; version: string }[]
    {
        return [...this.#exposed.values()].flat().map(({ fqn, version }) => ({ fqn, version }));
    }

    /** The procedures this process serves over RPC, as the manifest describes them: by FQN, then version. */
    get exposed(): ProcedureManifest[]
    {
        return this.fqns.flatMap(fqn => this.#exposed.get(fqn) ?? []);
    }

    /** The versions of `fqn` this process serves over RPC, ascending; none when it serves no version of it. */
    versionsOf(fqn: string): string[]
    {
        return (this.#exposed.get(fqn) ?? []).map(procedure => procedure.version);
    }

    /** Exact version, else the greatest one below the requested version. */
    select(fqn: string, version: string): ProcedureManifest | undefined
    {
        const versions = this.#exposed.get(fqn) ?? [];
        return greatestAtOrBelow(versions, version, procedure => procedure.version);
    }

    /** Never rejects: every failure is an answer. */
    handle(call: RpcCall): Promise<RpcAnswer>
    {
        const { observe } = this.#options;
        return observe === undefined ? this.#handle(call) : observe(call, () => this.#handle(call));
    }

    #handle(call: RpcCall): Promise<RpcAnswer>
    {
        try
        {
            return this.#respond(call);
        }
        catch (error)
        {
            return Promise.resolve(this.#failed(error, call));
        }
    }

    #failed(error: unknown, call: RpcCall): RpcAnswer
    {
        // A result that cannot be serialized is the server's fault, not the caller's.
        const status = error instanceof InvalidSerialization && error.direction === 'serialize' ? 500 : statusOf(error);
        return this.#answer(status, error, {}, call);
    }

    /** Throws for problems of the request itself; answers for everything after. */
    #respond(call: RpcCall): Promise<RpcAnswer>
    {
        if (call.mode === 'preflight')
        {
            const request = new Request(call.fqn, '0.0.0', {}, call.headers());
            return runChain(this.#options.middleware, request, () => Promise.resolve(new Response(204, undefined)))
                .then(response => this.#answerResponse(response, call), (error: unknown) => this.#failed(error, call));
        }

        const version = parseVersion(call.version);
        if (version === undefined) throw new InvalidVersionNumber(call.version ?? '');
        const procedure = this.select(call.fqn, version);
        if (procedure === undefined)
        {
            const versions = this.versionsOf(call.fqn);
            throw new ProcedureNotFound(call.fqn, version, { versions, header: call.version }, versions.length === 0 ? nearProcedureName(call.fqn, this.#exposed.keys()) : undefined);
        }
        if (procedure.access === 'protected' && (this.#options.trustKey === undefined || !sameTrustKey(this.#options.trustKey, call.headers()['x-jitar-trust-key'])))
        {
            throw new Unauthorized('Request not trusted');
        }

        const args = call.serialized ? this.#options.codec.deserialize(call.args) as Record<string, unknown> : call.args;
        // Without middleware, no Response object is needed: the result is answered as it comes.
        if (this.#options.middleware.length === 0)
        {
            const problem = this.#problem(procedure, args, call);
            if (problem !== undefined) return Promise.resolve(this.#answer(problem.status, problem.result, {}, call));
            // One promise step from the result to the answer: at this rate each step shows.
            const running = this.#invoke(procedure, args, call.headers);
            const answered = (result: unknown): RpcAnswer => this.#answerOrFail(200, result, call);
            const failed = (error: unknown): RpcAnswer => this.#answerOrFail(statusOf(error), error, call);
            const deadlines = this.#deadlines;
            if (deadlines === undefined) return running.then(answered, failed);
            return new Promise(resolve => deadlines.watch(running, procedure.fqn, result => resolve(answered(result)), error => resolve(failed(error))));
        }

        // `*name` arguments override parameters on middleware's word (the user an auth middleware found,
        // say): a caller must not be able to send one and pass for that middleware.
        const starred = Object.keys(args).find(key => key.startsWith('*'));
        if (starred !== undefined) throw new BadRequest(`Argument '${starred}' is refused: names starting with '*' are set by middleware only`);
        const request = new Request(procedure.fqn, procedure.version, args, call.headers());
        return runChain(this.#options.middleware, request, () => this.#run(procedure, withStarArguments(procedure, request.args), () => request.headers, call))
            .then(response => this.#answerResponse(response, call))
            .catch((error: unknown) => this.#failed(error, call));
    }

    /** Why the call cannot run (a 400, or the dry run's 200), or undefined when it can. */
    #problem(procedure: ProcedureManifest, args: Readonly<Record<string, unknown>>, call: RpcCall): Response | undefined
    {
        const problem = this.#validator.check(procedure, args, call.source === 'query' && !call.serialized, !call.serialized);
        if (problem !== undefined) return new Response(400, new BadRequest(problem));
        if (call.mode === 'dry-run') return new Response(200, undefined);
        return undefined;
    }

    /** `headers`: the request's, as middleware left them. */
    #run(procedure: ProcedureManifest, args: Readonly<Record<string, unknown>>, headers: () => RequestHeaders, call: RpcCall): Promise<Response>
    {
        const problem = this.#problem(procedure, args, call);
        if (problem !== undefined) return Promise.resolve(problem);
        const running = this.#invoke(procedure, args, headers);
        return (this.#deadlines === undefined ? running : this.#deadlines.race(running, procedure.fqn))
            .then(result => new Response(200, result), (error: unknown) => new Response(statusOf(error), error));
    }

    #invoke(procedure: ProcedureManifest, args: Readonly<Record<string, unknown>>, headers: () => RequestHeaders): Promise<unknown>
    {
        const { withHeaders } = this.#options;
        return withHeaders === undefined
            ? this.#runtime.handle(procedure.fqn, procedure.version, args)
            : withHeaders(headers(), () => this.#runtime.handle(procedure.fqn, procedure.version, args));
    }

    /** The answer, or the failure to make it (a result that cannot be serialized). */
    #answerOrFail(status: number, result: unknown, call: RpcCall): RpcAnswer
    {
        try
        {
            return this.#answer(status, result, {}, call);
        }
        catch (error)
        {
            return this.#failed(error, call);
        }
    }

    #answerResponse(response: Response, call: RpcCall): RpcAnswer
    {
        return this.#answer(response.status, response.result, response.headers, call);
    }

    /** `headers` is the answer's own object, completed here. */
    #answer(status: number, result: unknown, headers: Record<string, string>, call: RpcCall): RpcAnswer
    {
        if (status >= 500 && result instanceof Error && headers.location === undefined) this.#options.onServerError?.(result, call);
        const answer = encodeAnswer(status, result, headers, call.serialized ? value => this.#options.codec.serialize(value, call.classForm) : undefined);
        if (status >= 400 && result instanceof Error && this.#options.observe !== undefined) failures.set(answer, result);
        return answer;
    }
}

/**
 * Middleware may set `*name` arguments: they override what the caller sent for a parameter `name`, and
 * vanish for procedures without one.
 */
function withStarArguments(procedure: ProcedureManifest, args: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>>
{
    if (!Object.keys(args).some(key => key.startsWith('*'))) return args;
    const result: Record<string, unknown> = {};
    const starred: [string, unknown][] = [];
    for (const [key, value] of Object.entries(args))
    {
        if (key.startsWith('*')) starred.push([key.slice(1), value]);
        else result[key] = value;
    }
    for (const [name, value] of starred)
    {
        if (procedure.parameters.some(parameter => parameter.names.some(wireName => wireName.name === name))) result[name] = value;
    }
    return result;
}
