import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

import { analyse, type AnalysisResult } from '../../transformer/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/apps/', import.meta.url));

export function fixtureApp(name: string): string
{
    return join(FIXTURES, name);
}

/** Analyses a fixture app as `jitar-compile` run in its folder would. */
export function analyseFixture(name: string): AnalysisResult
{
    return analyse({ cwd: fixtureApp(name) });
}
