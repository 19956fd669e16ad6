import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Project, ts } from 'ts-morph';

import type { JitarConfig } from '../config/jitar-config.js';
import type { DisplayPaths } from '../config/display-paths.js';
import { Codes, type DiagnosticBag } from '../diagnostics.js';

/** Options for apps without a tsconfig.json: what the reference apps use. */
const DEFAULT_OPTIONS: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    skipLibCheck: true,
    esModuleInterop: true
};

/**
 * The ts-morph project of the app: its tsconfig when it has one (so analysis sees what the editor sees),
 * else the source folder with default options.
 */
export function createProject(config: JitarConfig, tsconfig: string | undefined, cwd: string, paths: DisplayPaths, diagnostics: DiagnosticBag): Project
{
    const tsConfigFilePath = tsconfig === undefined ? join(config.root, 'tsconfig.json') : resolve(cwd, tsconfig);

    if (existsSync(tsConfigFilePath))
    {
        const project = new Project({ tsConfigFilePath });
        for (const problem of project.getConfigFileParsingDiagnostics())
        {
            const message = ts.flattenDiagnosticMessageText(problem.getMessageText() as string | ts.DiagnosticMessageChain, ' ');
            diagnostics.error(paths.at(tsConfigFilePath), Codes.TsconfigProblem, `tsconfig: ${message}`);
        }
        return project;
    }

    if (tsconfig !== undefined)
    {
        diagnostics.error(paths.at(tsConfigFilePath), Codes.ConfigNotFound, `TypeScript project '${paths.display(tsConfigFilePath)}' not found`);
    }
    const project = new Project({ compilerOptions: DEFAULT_OPTIONS });
    project.addSourceFilesAtPaths([`${config.source}/**/*.{ts,tsx,mts,cts}`, `!${config.source}/**/node_modules/**`]);
    return project;
}
