import type { WorkerRegistry } from '../cluster/worker-registry.js';
import { greatestAtOrBelow, ownVersion, parseVersion } from '../procedure-versions.js';
import type { ForwardLabels } from './forward-observer.js';

/**
 * A gateway's metric labels for a call: the procedure when a worker serves it (or the build lists it),
 * and the version a worker runs for it by the workers' rule (that version, else the greatest below it)
 * when the workers said theirs. Anything else is counted with empty labels.
 */
export function gatewayLabels(registry: WorkerRegistry, expected: ReadonlySet<string> | undefined): ForwardLabels
{
    return (fqn, versionHeader) =>
    {
        if (!registry.knows(fqn) && expected?.has(fqn) !== true) return { procedure: '', version: '' };
        const asked = parseVersion(versionHeader);
        const served = asked === undefined ? undefined : greatestAtOrBelow(registry.versionsServed(fqn) ?? [], asked, ownVersion);
        return { procedure: fqn, version: served ?? '' };
    };
}

/** A proxy's labels: it routes nothing itself, so it names no procedure (its metrics are not served anyway). */
export const noLabels: ForwardLabels = () => ({ procedure: '', version: '' });
