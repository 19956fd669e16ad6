import { greatestAtOrBelow, ownVersion, parseVersion } from '../procedure-versions.js';
import type { ForwardLabels } from './forward-observer.js';

/** What a gateway knows of who serves what: an HTTP gateway's WorkerRegistry, a NATS gateway's directory. */
export interface ServedProcedures
{
    /** Whether a worker serves (or served) `fqn`. */
    knows(fqn: string): boolean;
    /** The versions of `fqn` the workers serve, ascending; undefined when not all said theirs. */
    versionsServed(fqn: string): readonly string[] | undefined;
}

/**
 * A gateway's metric labels for a call: the procedure when a worker serves it (or the build lists it),
 * and the version a worker runs for it by the workers' rule (that version, else the greatest below it)
 * when the workers said theirs. Anything else is counted with empty labels, so that made-up names
 * cannot grow the metrics.
 */
export function gatewayLabels(served: ServedProcedures, expected: ReadonlySet<string> | undefined): ForwardLabels
{
    return (fqn, versionHeader) =>
    {
        if (!served.knows(fqn) && expected?.has(fqn) !== true) return { procedure: '', version: '' };
        const asked = parseVersion(versionHeader);
        const version = asked === undefined ? undefined : greatestAtOrBelow(served.versionsServed(fqn) ?? [], asked, ownVersion);
        return { procedure: fqn, version: version ?? '' };
    };
}

/** A proxy's labels: it routes nothing itself, so it names no procedure (its metrics are not served anyway). */
export const noLabels: ForwardLabels = () => ({ procedure: '', version: '' });
