import type { ViteDevServer } from 'vite';

import type { Manifest } from '../../runtime/manifest.js';
import { ModuleVersions } from '../../runtime/reload/module-versions.js';
import type { LogFormat } from '../../runtime/logging/log-format.js';
import type { RunningService, StartOptions } from '../../runtime/services/start-service.js';
import { packageVersion } from '../../runtime/version.js';
import { formatDiagnostic } from '../../transformer/diagnostics.js';
import type { BuildRound, IncrementalBuild } from '../../transformer/watch/incremental-build.js';
import { watchBuild, type WatchingBuild } from '../../transformer/watch/watch-build.js';
import { startBanner } from '../start-banner.js';
import { findServiceFile, writeDevServiceFile } from './dev-service-file.js';
import { findViteConfig, startPageServer } from './page-server.js';

export interface DevOptions
{
    /** The app's root (the working folder). */
    cwd: string;
    config?: string;
    project?: string;
    /** The app's standalone service file, when not services/standalone.json. */
    service?: string;
    port?: number;
    vitePort?: number;
    logLevel: string;
    logFormat?: LogFormat;
    envFile?: string;
}

export interface DevSession
{
    close(): Promise<void>;
}

/**
 * How long after a round the manifest's positions are written: a moment when no request waits, since
 * the OpenAPI document of a large app takes a while to write and only quotes line numbers.
 */
const POSITIONS_DELAY = 400;

/**
 * jitar dev: builds the app, serves every segment in one standalone (and the page through Vite's dev
 * server when the app has one), and on every change builds what the change touches and serves the new
 * code in the same process: the changed modules are imported again under new versions, and the RPC
 * handler is replaced in one step. A build with errors prints them and leaves the last good one serving.
 */
export async function startDevSession(options: DevOptions): Promise<DevSession>
{
    // Before any module of the app is imported: from here on they load with versions.
    const versions = ModuleVersions.register();
    const serviceFile = findServiceFile(options.cwd, options.service);
    const { startService } = await import('../../runtime/services/start-service.js');

    let service: RunningService | undefined;
    let servedSegments = '';
    let page: ViteDevServer | undefined;
    let positions: NodeJS.Timeout | undefined;

    const start = async (manifest: Manifest, root: string, target: string): Promise<void> =>
    {
        const file = writeDevServiceFile({ root, target, serviceFile, port: options.port, manifest });
        const startOptions: StartOptions = { serviceFile: file, cwd: root, logLevel: options.logLevel, logFormat: options.logFormat, envFile: options.envFile };
        service = await startService(startOptions);
        servedSegments = segmentNames(manifest);
        console.log(startBanner(packageVersion(), service).join('\n'));
    };

    const serve = async (round: BuildRound, changed: readonly string[], build: IncrementalBuild): Promise<void> =>
    {
        for (const diagnostic of round.diagnostics) (diagnostic.severity === 'error' ? console.error : console.log)(formatDiagnostic(diagnostic));
        const time = new Date().toLocaleTimeString('en-GB');
        if (!round.ok)
        {
            const errors = round.diagnostics.filter(diagnostic => diagnostic.severity === 'error').length;
            console.error(`[${time}] Found ${errors} error${errors === 1 ? '' : 's'}. ${service === undefined ? 'Nothing is served until they are fixed.' : 'The last good build keeps serving.'}`);
            return;
        }
        if (round.kind === 'unchanged' && !changed.some(path => path === serviceFile)) return;
        const manifest = round.manifest as Manifest;
        const { root, target } = round.config;
        const reloading = performance.now();
        try
        {
            if (service === undefined) await start(manifest, root, target);
            else if (changed.some(path => path === serviceFile) || segmentNames(manifest) !== servedSegments || service.reload === undefined)
            {
                // Another service file or other segments: the service starts over, on the same port.
                await versions.bump(round.written);
                await service.close();
                service = undefined;
                await start(manifest, root, target);
            }
            else
            {
                const changedModules = await versions.bump(round.written);
                await service.reload({ manifestChanged: round.manifestChanged, changed: changedModules });
            }
        }
        catch (error)
        {
            console.error(`[${time}] The build is done, but serving it failed: ${error instanceof Error ? error.message : String(error)}${service === undefined ? '' : '; the last good build keeps serving'}`);
            return;
        }
        const reloaded = performance.now() - reloading;
        if (changed.length > 0) console.log(`[${time}] Serving the change: built in ${Math.round(round.duration)} ms (${round.kind === 'full' ? 'analysed' : 'bodies only'}), loaded in ${Math.round(reloaded)} ms.`);

        if (page === undefined && service !== undefined)
        {
            const configFile = findViteConfig(root);
            if (configFile !== undefined)
            {
                page = await startPageServer({ root, configFile, runtimeUrl: service.url, port: options.vitePort });
                console.log(`Page (Vite's dev server, /rpc to ${service.url}): ${page.resolvedUrls?.local[0] ?? '(no local url)'}`);
            }
        }
        if (positions !== undefined) clearTimeout(positions);
        positions = setTimeout(() => { positions = undefined; build.writePositions(); }, POSITIONS_DELAY);
    };

    const watching: WatchingBuild = await watchBuild({
        cwd: options.cwd, config: options.config, project: options.project,
        extraFiles: serviceFile === undefined ? [] : [serviceFile],
        onRound: serve
    });
    console.log('Watching for changes of the sources, segment files, resources and service file.');

    return {
        close: async () =>
        {
            if (positions !== undefined) clearTimeout(positions);
            watching.close();
            await page?.close();
            await service?.close();
        }
    };
}

const segmentNames = (manifest: Manifest): string => manifest.segments.map(segment => segment.name).join(',');

