import { parseVersion } from '../procedure-versions.js';

/** What a worker tells the gateways about itself on NATS (subjects.ts: workers.up, workers.discover). */
export interface WorkerAnnouncement
{
    id: string;
    /** Its own HTTP address (health, direct calls): where it runs, for operators. */
    url: string;
    procedures: { fqn: string; version: string }[];
}

/** A worker's goodbye (subjects.ts: workers.down). */
export interface WorkerGoodbye
{
    id: string;
}

/** The announcement a message holds, or undefined when it is not one (from another program on the subject). */
export function readAnnouncement(data: Uint8Array): WorkerAnnouncement | undefined
{
    const value = parse(data);
    if (value === undefined || typeof value.id !== 'string' || typeof value.url !== 'string' || !Array.isArray(value.procedures)) return undefined;
    const procedures = value.procedures as unknown[];
    if (!procedures.every(isVersionedProcedure)) return undefined;
    return { id: value.id, url: value.url, procedures: procedures as WorkerAnnouncement['procedures'] };
}

export function readGoodbye(data: Uint8Array): WorkerGoodbye | undefined
{
    const value = parse(data);
    return value !== undefined && typeof value.id === 'string' ? { id: value.id } : undefined;
}

function parse(data: Uint8Array): Record<string, unknown> | undefined
{
    try
    {
        const value: unknown = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
        return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
    }
    catch
    {
        return undefined;
    }
}

function isVersionedProcedure(value: unknown): boolean
{
    if (value === null || typeof value !== 'object') return false;
    const { fqn, version } = value as Record<string, unknown>;
    return typeof fqn === 'string' && fqn !== '' && typeof version === 'string' && parseVersion(version) === version;
}
