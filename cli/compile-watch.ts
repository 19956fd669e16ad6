import { summarize } from '../transformer/summary.js';
import { roundReport, watchBuild } from '../transformer/watch/watch-build.js';

export interface CompileWatchOptions
{
    config?: string;
    project?: string;
    verbose: boolean;
}

/** jitar-compile --watch: the first build's summary, then a report per round, until SIGINT or SIGTERM. */
export async function watchCompile(options: CompileWatchOptions): Promise<void>
{
    const watching = await watchBuild({
        config: options.config,
        project: options.project,
        onRound: (round, _changed, build) =>
        {
            const [status] = roundReport(round).slice(-1);
            for (const line of roundReport(round).slice(0, -1)) console.error(line);
            if (round.ok)
            {
                // No server waits for this build: the positions in the manifest can be written at once.
                build.writePositions();
                if (round.kind === 'full' && round.manifest !== undefined) for (const line of summarize(round.manifest, options.verbose)) console.log(line);
            }
            console.log(status);
        }
    });
    const stop = (): void =>
    {
        watching.close();
        process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
}
