#!/usr/bin/env node
import { analyse, formatDiagnostic, summarize, writeManifest } from '../transformer/index.js';
import { packageVersion } from '../runtime/version.js';
import { parseArgs } from 'node:util';

import { parseOrExit } from './arguments.js';

const USAGE = `Usage: jitar-compile [options]

Analyses the app's sources and segment files and writes the manifest into the target folder.

Options:
  --config <file>     jitar.json to use (default: ./jitar.json, else the defaults)
  --project <file>    tsconfig.json to analyse with (default: the app root's tsconfig.json)
  --manifest-only     write the manifest and nothing else
  --verbose           list every procedure and class per segment
  --version           print the version
  --help              print this help`;

const { values } = parseOrExit(() => parseArgs({
    options: {
        config: { type: 'string' },
        project: { type: 'string' },
        'manifest-only': { type: 'boolean' },
        verbose: { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean' }
    },
    strict: true
}), USAGE);

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

const result = analyse({ config: values.config, project: values.project });

for (const diagnostic of result.diagnostics) console.error(formatDiagnostic(diagnostic));

const errors = result.diagnostics.filter(diagnostic => diagnostic.severity === 'error').length;
if (errors > 0)
{
    console.error(`\nFound ${errors} error${errors === 1 ? '' : 's'}. No manifest written.`);
    process.exit(1);
}

const path = writeManifest(result.manifest, result.config.target);
for (const line of summarize(result.manifest, values.verbose === true)) console.log(line);
console.log(`manifest: ${path}`);
