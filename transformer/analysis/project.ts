import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Project, ts } from '#ts-morph';

import type { JitarConfig } from '../config/jitar-config.js';
import { isInside, type DisplayPaths } from '../config/display-paths.js';
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
export function createProject(config: JitarConfig, tsconfig: string | undefined, cwd: string, paths: DisplayPaths, diagnostics: DiagnosticBag, isIgnored: (file: string) => boolean = () => false, foreignTsconfig = false): Project
{
    const tsConfigFilePath = tsconfig === undefined ? join(config.root, 'tsconfig.json') : resolve(cwd, tsconfig);

    if (existsSync(tsConfigFilePath))
    {
        // A Jitar app's tsconfig is written for its own TypeScript (5.x): what ours deprecates is not its mistake.
        const project = new Project({ tsConfigFilePath, compilerOptions: { ...emitOptions(config), ...foreignTsconfig ? { ignoreDeprecations: '6.0' } : {} } });
        // Files the tsconfig includes beside the app (tests, scripts) are not part of its build.
        for (const sourceFile of project.getSourceFiles())
        {
            const path = sourceFile.getFilePath();
            if (!path.endsWith('.d.ts') && (!isInside(config.source, path) || isIgnored(path))) project.removeSourceFile(sourceFile);
        }
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
    const project = new Project({ compilerOptions: { ...DEFAULT_OPTIONS, ...emitOptions(config) } });
    project.addSourceFilesAtPaths([`${config.source}/**/*.{ts,tsx,mts,cts}`, `!${config.source}/**/node_modules/**`]);
    for (const sourceFile of project.getSourceFiles()) if (isIgnored(sourceFile.getFilePath())) project.removeSourceFile(sourceFile);
    return project;
}

/**
 * What the build needs whatever the app's tsconfig says: ESM output from the source folder into the
 * target folder. Bundler resolution accepts both extensionless imports and NodeNext-style `.js` ones.
 */
function emitOptions(config: JitarConfig): ts.CompilerOptions
{
    return {
        rootDir: config.source,
        outDir: config.target,
        noEmit: false,
        emitDeclarationOnly: false,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler
    };
}
