import type { Manifest, ProcedureManifest, WireName } from '../../runtime/manifest.js';
import { compareVersions } from '../../runtime/procedure-versions.js';
import { relation } from './schema-relation.js';

export type ChangeKind =
    | 'added' | 'removed' | 'replaced'
    | 'access-narrowed' | 'access-widened'
    | 'parameter-added' | 'parameter-removed' | 'parameter-required' | 'parameter-optional' | 'parameter-type'
    | 'result-type';

/** One change of the public and protected surface between a previous build and this one. */
export interface SurfaceChange
{
    fqn: string;
    /** The version of this build the change is in (for `removed`, the previous build's). */
    version: string;
    /** The previous build's version it is compared with, when another one (a new version replaced it). */
    previousVersion?: string;
    kind: ChangeKind;
    /** The wire name, for changes of a parameter. */
    parameter?: string;
    /** What changed, in words. */
    detail: string;
    breaking: boolean;
    /**
     * The change is at a version the previous build has too: callers that ask for that version get the
     * changed procedure. Breaking changes of that kind fail the build.
     */
    versionKept: boolean;
    /** Where the procedure is declared: in this build, or (removed) in the previous one; `file` relative to that build's source root until jitar-compile shows it from the working folder. */
    source: { manifest: 'current' | 'previous'; file: string; line: number; column: number };
}

/**
 * The rules (README, "jitar-compile --against"): callers of the previous build must still be served.
 * A parameter may take more than before (widened), not less; a result may give less (narrowed), not more;
 * a new parameter must be optional; removing a parameter, narrowing access or an unclear change is breaking.
 */
export function surfaceChanges(previous: Manifest, current: Manifest): SurfaceChange[]
{
    const changes: SurfaceChange[] = [];
    const fqns = new Set([...previous.procedures, ...current.procedures].filter(procedure => procedure.access !== 'private').map(procedure => procedure.fqn));
    for (const fqn of [...fqns].sort())
    {
        const before = exposed(previous, fqn);
        const after = exposed(current, fqn);
        const replacements = after.filter(procedure => !before.some(old => old.version === procedure.version));
        const replacing = new Set<ProcedureManifest>();

        for (const old of before)
        {
            const same = current.procedures.find(procedure => procedure.fqn === fqn && procedure.version === old.version);
            if (same !== undefined)
            {
                changes.push(...compare(old, same, previous, current, true));
                continue;
            }
            const successor = replacements.find(procedure => compareVersions(procedure.version, old.version) > 0);
            if (successor === undefined)
            {
                changes.push({ ...at(old, 'previous'), kind: 'removed', detail: 'removed: callers of this version get 404', breaking: true, versionKept: false });
                continue;
            }
            replacing.add(successor);
            changes.push({ ...at(successor, 'current'), previousVersion: old.version, kind: 'replaced', detail: `version ${old.version} replaced by ${successor.version}: callers that ask for ${old.version} get 404`, breaking: true, versionKept: false });
            changes.push(...compare(old, successor, previous, current, false));
        }
        for (const added of replacements)
        {
            if (!replacing.has(added)) changes.push({ ...at(added, 'current'), kind: 'added', detail: `added (${added.access})`, breaking: false, versionKept: false });
        }
    }
    return changes;
}

function exposed(manifest: Manifest, fqn: string): ProcedureManifest[]
{
    return manifest.procedures.filter(procedure => procedure.fqn === fqn && procedure.access !== 'private').sort((a, b) => compareVersions(a.version, b.version));
}

function at(procedure: ProcedureManifest, manifest: 'current' | 'previous'): Pick<SurfaceChange, 'fqn' | 'version' | 'source'>
{
    return { fqn: procedure.fqn, version: procedure.version, source: { manifest, file: procedure.file, ...procedure.position } };
}

const ACCESS_RANK = { private: 0, protected: 1, public: 2 } as const;

function compare(old: ProcedureManifest, now: ProcedureManifest, previous: Manifest, current: Manifest, versionKept: boolean): SurfaceChange[]
{
    const changes: SurfaceChange[] = [];
    const base = { ...at(now, 'current'), ...old.version === now.version ? {} : { previousVersion: old.version }, versionKept };
    const push = (change: Omit<SurfaceChange, keyof typeof base>): void => { changes.push({ ...base, ...change }); };

    if (ACCESS_RANK[now.access] < ACCESS_RANK[old.access]) push({ kind: 'access-narrowed', detail: `access narrowed from ${old.access} to ${now.access}`, breaking: true });
    if (ACCESS_RANK[now.access] > ACCESS_RANK[old.access]) push({ kind: 'access-widened', detail: `access widened from ${old.access} to ${now.access}`, breaking: false });
    // A private procedure is not on the surface any more: what its parameters became does not matter to callers.
    if (now.access === 'private') return changes;

    const oldNames = namesOf(old);
    const newNames = namesOf(now);
    for (const [name, wire] of newNames)
    {
        const before = oldNames.get(name);
        if (before === undefined)
        {
            push({ kind: 'parameter-added', parameter: name, detail: `${wire.optional ? 'optional' : 'required'} parameter '${name}' added`, breaking: !wire.optional });
            continue;
        }
        if (before.optional && !wire.optional) push({ kind: 'parameter-required', parameter: name, detail: `parameter '${name}' became required`, breaking: true });
        if (!before.optional && wire.optional) push({ kind: 'parameter-optional', parameter: name, detail: `parameter '${name}' became optional`, breaking: false });
        const change = relation({ schema: before.schema, manifest: previous }, { schema: wire.schema, manifest: current });
        if (change !== 'same') push({ kind: 'parameter-type', parameter: name, detail: `type of parameter '${name}' ${change}`, breaking: change !== 'widened' });
    }
    for (const name of oldNames.keys())
    {
        if (!newNames.has(name)) push({ kind: 'parameter-removed', parameter: name, detail: `parameter '${name}' removed: callers that send it get 400`, breaking: true });
    }
    const result = relation({ schema: old.result, manifest: previous }, { schema: now.result, manifest: current });
    if (result !== 'same') push({ kind: 'result-type', detail: `result type ${result}`, breaking: result !== 'narrowed' });
    return changes;
}

function namesOf(procedure: ProcedureManifest): Map<string, WireName>
{
    return new Map(procedure.parameters.flatMap(parameter => parameter.names).map(name => [name.name, name]));
}
