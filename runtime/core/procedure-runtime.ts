import { ProcedureNotAccessible, ProcedureNotFound } from '../errors.js';
import type { Manifest, ProcedureManifest } from '../manifest.js';
import { fromWire, toWire, type WireArguments } from './arguments.js';
import type { ProxyTarget } from './global-runtime.js';
import type { SegmentModule } from './segment-module.js';

/** Runs a procedure that this process does not hold: over the network, in the transport adapters. */
export interface RemoteCaller
{
    call(procedure: ProcedureManifest, args: WireArguments): Promise<unknown>;
}

type Implementation = (...args: unknown[]) => unknown;

interface Local
{
    implementation: Implementation;
    procedure: ProcedureManifest;
}

const idOf = (fqn: string, version: string): string => `${fqn}@${version}`;

/**
 * The transport-free heart of a process: which implementations it holds, and where a call goes. A call
 * to a procedure held here runs in-process with the caller's own values; any other call goes to the
 * remote caller with its arguments in wire form.
 */
export class ProcedureRuntime implements ProxyTarget
{
    readonly #procedures = new Map<string, ProcedureManifest>();
    /**
     * The implementations held here, with their manifest entries, by FQN and version: two lookups with
     * the manifest's own strings, whose hashes stay cached, instead of one with a string built per call.
     */
    readonly #local = new Map<string, Map<string, Local>>();
    readonly #segments = new Set<string>();
    readonly #remote: RemoteCaller | undefined;

    constructor(manifest: Manifest, remote?: RemoteCaller)
    {
        for (const procedure of manifest.procedures) this.#procedures.set(idOf(procedure.fqn, procedure.version), procedure);
        this.#remote = remote;
    }

    get segments(): ReadonlySet<string>
    {
        return this.#segments;
    }

    register(segment: SegmentModule): void
    {
        for (const { fqn, version, implementation } of segment.procedures)
        {
            const procedure = this.#procedures.get(idOf(fqn, version));
            if (procedure === undefined) throw new Error(`Segment '${segment.name}' holds '${fqn}@${version}', which the manifest does not know: rebuild the app`);
            const versions = this.#local.get(fqn) ?? new Map<string, Local>();
            versions.set(version, { implementation: implementation as Implementation, procedure });
            this.#local.set(fqn, versions);
        }
        this.#segments.add(segment.name);
    }

    holds(fqn: string, version: string): boolean
    {
        return this.#local.get(fqn)?.has(version) ?? false;
    }

    /** Runs a procedure held here for a call that arrived over the wire. */
    handle(fqn: string, version: string, args: WireArguments): Promise<unknown>
    {
        const local = this.#local.get(fqn)?.get(version);
        if (local === undefined) return Promise.reject(new ProcedureNotFound(fqn, version));
        try
        {
            return Promise.resolve(local.implementation(...fromWire(local.procedure.parameters, args)));
        }
        catch (error)
        {
            return Promise.reject(error);
        }
    }

    async run(fqn: string, version: string, args: ArrayLike<unknown>): Promise<unknown>
    {
        const local = this.#local.get(fqn)?.get(version);
        if (local !== undefined) return local.implementation(...Array.from(args));

        const procedure = this.#procedures.get(idOf(fqn, version));
        if (procedure === undefined) throw new ProcedureNotFound(fqn, version);
        if (procedure.access === 'private') throw new ProcedureNotAccessible(fqn, version, procedure.segments);
        if (this.#remote === undefined) throw new ProcedureNotFound(fqn, version);
        return this.#remote.call(procedure, toWire(procedure.parameters, args));
    }
}
