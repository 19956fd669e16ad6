#!/usr/bin/env node
import { packageVersion } from '../runtime/version.js';

import { parseCommand, parseOrExit, type Command } from './arguments.js';
import { reportBuild } from './build-report.js';
import { enableCompileCache } from './compile-cache.js';

enableCompileCache();

const USAGE = `Usage: jitar-compile [options]

Analyses the app's sources and segment files, type-checks them, and writes into the target folder the
manifest, the segment entries and proxies, and the app's JavaScript with cross-segment imports swapped.

Options:
  --config <file>     jitar.json to use (default: ./jitar.json, else the defaults)
  --project <file>    tsconfig.json to analyse with (default: the app root's tsconfig.json)
  --manifest-only     write the manifest and generated modules only: no type-check, no emit
                      (for builds that emit with tspc and the jitar/transformer plugin)
  --against <path>    compare the public and protected procedures with a previous build (its folder or
                      manifest): list the changes, and fail on a breaking change that kept its version
  --json              with --against: print the changes as JSON (for CI) instead of the summary
  --watch             build, then build again on every change of the sources, segment files, resources,
                      jitar.json or tsconfig: only what the change touches is checked and emitted, and
                      errors leave the last good build in place (for apps served by a server of their own)
  --verbose           list every procedure and class per segment
  --version           print the version
  --help              print this help`;

const COMPILE = {
    name: 'jitar-compile',
    usage: USAGE,
    options: {
        config: { type: 'string' },
        project: { type: 'string' },
        'manifest-only': { type: 'boolean' },
        against: { type: 'string' },
        json: { type: 'boolean' },
        watch: { type: 'boolean' },
        verbose: { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
    }
} as const satisfies Command;

const values = parseOrExit(() => parseCommand(COMPILE, process.argv.slice(2)));

if (values.help === true)
{
    console.log(USAGE);
    process.exit(0);
}
if (values.version === true)
{
    console.log(packageVersion());
    process.exit(0);
}

if (values.json === true && values.against === undefined)
{
    console.error(`--json prints the changes of --against: give --against too\n\n${USAGE}`);
    process.exit(1);
}

if (values.watch === true)
{
    const conflict = (['manifest-only', 'against', 'json'] as const).find(option => values[option] !== undefined);
    if (conflict !== undefined)
    {
        console.error(`--watch emits on every change; --${conflict} is for single builds. Leave one out.\n\n${USAGE}`);
        process.exit(1);
    }
    const { watchCompile } = await import('./compile-watch.js');
    await watchCompile({ config: values.config, project: values.project, verbose: values.verbose === true });
}
else await compileOnce();

async function compileOnce(): Promise<void>
{
    // Loaded after enableCompileCache: the compiler is most of what this command loads.
    const { build } = await import('../transformer/index.js');
    const result = build({ config: values.config, project: values.project, emit: values['manifest-only'] !== true, against: values.against });
    process.exitCode = reportBuild(result, { json: values.json, against: values.against, verbose: values.verbose });
}
