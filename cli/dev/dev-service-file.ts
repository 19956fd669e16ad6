import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import type { Manifest } from '../../runtime/manifest.js';

/** Where jitar dev writes the service file it starts: in the build's generated folder, never in the app's sources. */
const DEV_SERVICE_FILE = '.jitar/dev-standalone.json';

/** The standalone service file of an app, when it has one at the usual place. */
export const DEFAULT_SERVICE_FILE = 'services/standalone.json';

export interface DevServiceInputs
{
    /** The app's root, where relative paths of service files start. */
    root: string;
    /** The build's target folder. */
    target: string;
    /** The app's own standalone service file (absolute), when it has one: its settings are kept. */
    serviceFile: string | undefined;
    /** The port to listen on instead of the service file's. */
    port: number | undefined;
    manifest: Manifest;
}

/**
 * The service file jitar dev starts: the app's standalone service file (when it has one) serving every
 * segment of the build, in one process; its url's port replaced when --port says so. Written into the
 * target folder, relative to the app's root; the app's file stays as it is. Its path, relative to the root.
 */
export function writeDevServiceFile(inputs: DevServiceInputs): string
{
    const own = inputs.serviceFile === undefined ? undefined : readServiceFile(inputs.serviceFile);
    const standalone = own?.standalone ?? {};
    const segments = inputs.manifest.segments.map(segment => segment.name);
    const url = inputs.port !== undefined ? `http://127.0.0.1:${inputs.port}` : own?.url ?? 'http://127.0.0.1:3000';
    // $schema points from the app's file to the shipped schema: from the target folder it would not.
    const { $schema: _schema, ...settings } = own ?? {};
    const document = { ...settings, url, standalone: { ...standalone, segments } };
    const path = join(inputs.target, DEV_SERVICE_FILE);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(document, null, 4)}\n`);
    return relative(inputs.root, path);
}

interface ServiceDocument
{
    url?: string;
    standalone?: Record<string, unknown>;
    [key: string]: unknown;
}

function readServiceFile(path: string): ServiceDocument
{
    if (!existsSync(path)) throw new Error(`Service file '${path}' not found`);
    const document = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new Error(`Service file '${path}' must hold an object`);
    const service = document as ServiceDocument;
    if (service.standalone === undefined)
    {
        const kind = Object.keys(service).find(key => ['worker', 'gateway', 'repository', 'proxy'].includes(key)) ?? 'no standalone';
        throw new Error(`jitar dev serves the app as one standalone, and '${path}' describes a ${kind}: give a standalone service file with --service, or none`);
    }
    return service;
}

/** The app's standalone service file: the one given, else services/standalone.json when there is one. */
export function findServiceFile(root: string, given: string | undefined): string | undefined
{
    if (given !== undefined) return resolve(root, given);
    const path = resolve(root, DEFAULT_SERVICE_FILE);
    return existsSync(path) ? path : undefined;
}
