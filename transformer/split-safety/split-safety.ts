import type { Project, ts } from 'ts-morph';

import type { Manifest } from '../../runtime/manifest.js';
import type { DisplayPaths } from '../config/display-paths.js';
import type { DiagnosticBag } from '../diagnostics.js';
import type { ImportPlanner } from '../emit/import-planner.js';
import { appFiles } from './app-files.js';
import { checkArgumentMutations } from './argument-mutations.js';
import { checkSharedState } from './shared-state.js';

/**
 * Warnings, before an app is split, about code that works while all segments share one process and
 * changes behaviour once they do not: arguments changed for the caller, and module state they share.
 * Warnings only: the app may never be split, and the checks cannot see every alias.
 */
export function checkSplitSafety(manifest: Manifest, project: Project, planner: ImportPlanner, checker: ts.TypeChecker, paths: DisplayPaths, diagnostics: DiagnosticBag): void
{
    const files = appFiles(project, planner);
    checkArgumentMutations(files, planner, checker, paths, diagnostics);
    checkSharedState(manifest, files, planner, checker, paths, diagnostics);
}
