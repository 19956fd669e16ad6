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

/** A procedure of the manifest, and its implementation when this process holds it. */
interface Entry
{
    procedure: ProcedureManifest;
    implementation?: Implementation;
}

/**
 * The transport-free heart of a process: which implementations it holds, and where a call goes. A call
 * to a procedure held here runs in-process with the caller's own values; any other call goes to the
 * remote caller with its arguments in wire form.
 */
export class ProcedureRuntime implements ProxyTarget
{
    /**
     * Every procedure of the manifest by FQN and version: two lookups with the manifest's own strings,
     * whose hashes stay cached, instead of one with a key string built per call.
     */
    readonly #entries = new Map<string, Map<string, Entry>>();
    readonly #segments = new Set<string>();
    readonly #remote: RemoteCaller | undefined;
    /** Where calls to procedures held here go instead of running in-process (a serializing standalone). */
    #held: RemoteCaller | undefined;

    constructor(manifest: Manifest, remote?: RemoteCaller)
    {
        for (const procedure of manifest.procedures)
        {
            const versions = this.#entries.get(procedure.fqn) ?? new Map<string, Entry>();
            versions.set(procedure.version, { procedure });
            this.#entries.set(procedure.fqn, versions);
        }
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
            const entry = this.#entry(fqn, version);
            if (entry === undefined) throw new Error(`Segment '${segment.name}' holds '${fqn}@${version}', which the manifest does not know: rebuild the app`);
            entry.implementation = implementation as Implementation;
        }
        this.#segments.add(segment.name);
    }

    /**
     * Sends the calls that come through proxies to procedures held here through `caller`, as if they were
     * remote. Private procedures still run in-process: no segment of another process may call them.
     */
    serializeCallsThrough(caller: RemoteCaller): void
    {
        this.#held = caller;
    }

    holds(fqn: string, version: string): boolean
    {
        return this.#entry(fqn, version)?.implementation !== undefined;
    }

    /** Runs a procedure held here for a call that arrived over the wire. */
    handle(fqn: string, version: string, args: WireArguments): Promise<unknown>
    {
        const entry = this.#entry(fqn, version);
        if (entry?.implementation === undefined) return Promise.reject(new ProcedureNotFound(fqn, version));
        try
        {
            return Promise.resolve(entry.implementation(...fromWire(entry.procedure.parameters, args)));
        }
        catch (error)
        {
            return Promise.reject(error);
        }
    }

    async run(fqn: string, version: string, args: ArrayLike<unknown>): Promise<unknown>
    {
        const entry = this.#entry(fqn, version);
        if (entry === undefined) throw new ProcedureNotFound(fqn, version);
        const { procedure } = entry;
        if (entry.implementation !== undefined)
        {
            if (this.#held === undefined || procedure.access === 'private') return entry.implementation(...Array.from(args));
            return this.#held.call(procedure, toWire(procedure.parameters, args));
        }

        if (procedure.access === 'private') throw new ProcedureNotAccessible(fqn, version, procedure.segments);
        if (this.#remote === undefined) throw new ProcedureNotFound(fqn, version);
        return this.#remote.call(procedure, toWire(procedure.parameters, args));
    }

    #entry(fqn: string, version: string): Entry | undefined
    {
        return this.#entries.get(fqn)?.get(version);
    }
}
