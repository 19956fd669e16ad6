import { formatChanges, formatDiagnostic, summarize, type BuildResult } from '../transformer/index.js';

export interface ReportOptions
{
    /** With --against: the changes as JSON instead of the summary. */
    json?: boolean;
    against?: string;
    verbose?: boolean;
}

/**
 * What jitar-compile and jitar build print after a build: the changes (--against), every diagnostic, then
 * the summary of what was written. Answers the exit status: 1 when there are errors (nothing written).
 */
export function reportBuild(result: BuildResult, options: ReportOptions): number
{
    if (result.changes !== undefined && options.json === true) console.log(JSON.stringify({ against: options.against, changes: result.changes }, null, 2));
    else if (result.changes !== undefined) for (const line of formatChanges(result.changes, options.against ?? '')) console.log(line);
    for (const diagnostic of result.diagnostics) console.error(formatDiagnostic(diagnostic));

    const errors = result.diagnostics.filter(diagnostic => diagnostic.severity === 'error').length;
    if (errors > 0)
    {
        console.error(`\nFound ${errors} error${errors === 1 ? '' : 's'}. Nothing written.`);
        return 1;
    }

    if (options.json === true) return 0;
    for (const line of summarize(result.manifest, options.verbose === true)) console.log(line);
    console.log(`written to ${result.paths.display(result.config.target)}/ (manifest: .jitar/manifest.json)`);
    return 0;
}
