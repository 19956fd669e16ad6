import type { AnalyseOptions } from '../analyse.js';
import { formatDiagnostic } from '../diagnostics.js';
import { watchFiles, type FileWatcher } from './file-watcher.js';
import { IncrementalBuild, type BuildRound } from './incremental-build.js';

export interface WatchBuildOptions extends AnalyseOptions
{
    /** More files whose changes start a round (service files, say); the round gets their paths too. */
    extraFiles?: readonly string[];
    /**
     * Called after each round (the first build included), one at a time: changes that arrive meanwhile
     * wait for it, then make one round together. `changed` is what the round was for.
     */
    onRound(round: BuildRound, changed: readonly string[], build: IncrementalBuild): void | Promise<void>;
}

export interface WatchingBuild
{
    readonly build: IncrementalBuild;
    /** The first round's result. */
    readonly first: BuildRound;
    close(): void;
}

/** Builds once, then again on every change of the app's sources, segment files, resources or configuration. */
export async function watchBuild(options: WatchBuildOptions): Promise<WatchingBuild>
{
    const build = new IncrementalBuild(options);
    let running = true;
    let waiting: string[] = [];
    const run = async (): Promise<void> =>
    {
        running = true;
        while (waiting.length > 0)
        {
            const changed = waiting;
            waiting = [];
            try
            {
                const watched = JSON.stringify(build.watched);
                const round = build.update(changed);
                // jitar.json may name other folders.
                if (JSON.stringify(build.watched) !== watched) watchAgain();
                await options.onRound(round, changed, build);
            }
            catch (error)
            {
                // A round that throws is a bug of ours; the watch goes on, and says so.
                console.error(`jitar: the round for ${changed.length} changed file(s) failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
            }
        }
        running = false;
    };

    let watcher: FileWatcher | undefined;
    function watchAgain(): void
    {
        watcher?.close();
        const { folders, files } = build.watched;
        watcher = watchFiles({ folders, files: [...files, ...options.extraFiles ?? []] }, paths =>
        {
            waiting.push(...paths);
            if (!running) void run();
        });
    }
    // Watching starts before the first build: what changes while it runs makes the next round.
    watchAgain();
    const first = build.start();
    await options.onRound(first, [], build);
    void run();
    return { build, first, close: () => watcher?.close() };
}

/** The lines tsc --watch would print for a round: each diagnostic, then the count. */
export function roundReport(round: BuildRound): string[]
{
    const lines = round.diagnostics.map(formatDiagnostic);
    const errors = round.diagnostics.filter(diagnostic => diagnostic.severity === 'error').length;
    const time = new Date().toLocaleTimeString('en-GB');
    if (errors > 0) lines.push(`[${time}] Found ${errors} error${errors === 1 ? '' : 's'}; the last good build stays. Watching for file changes.`);
    else if (round.kind === 'unchanged') lines.push(`[${time}] Nothing changed. Watching for file changes.`);
    else lines.push(`[${time}] Built in ${Math.round(round.duration)} ms (${round.kind === 'full' ? 'analysed' : 'bodies only'}, ${round.written.length} file${round.written.length === 1 ? '' : 's'} written). Watching for file changes.`);
    return lines;
}
