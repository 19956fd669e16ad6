import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import type * as ts from 'typescript';

import { readManifestFile } from '../runtime/app-build/manifest-file.js';
import { MANIFEST_PATH, type Manifest } from '../runtime/manifest.js';
import { readJitarConfig } from '../runtime/config/read-jitar-config.js';
import { Codes } from './diagnostics.js';
import { ImportPlanner } from './emit/import-planner.js';
import { createImportRewriter } from './emit/import-rewriter.js';
import { SegmentMap } from './emit/import-rule.js';

/** Options in tsconfig: `{ "transform": "jitar/transformer", "jitarConfig": "./jitar.json" }`. */
export interface JitarPluginConfig
{
    /** Path of jitar.json, relative to the working folder; default `./jitar.json` there. */
    jitarConfig?: string;
}

/** What ts-patch hands a program transformer besides the program (only what this plugin uses). */
export interface PluginExtras
{
    ts: typeof ts;
    addDiagnostic(diagnostic: ts.Diagnostic): number;
}

/**
 * The ts-patch plugin (`npx tspc`): the same import rewriting as jitar-compile's emit, inside the app's own
 * TypeScript build. It reads the manifest that `jitar-compile --manifest-only` wrote (which also writes
 * the proxies and segment entries the rewritten imports point to).
 */
export default function jitarTransformer(program: ts.Program, config: JitarPluginConfig, extras: PluginExtras): ts.TransformerFactory<ts.SourceFile>
{
    const typescript = extras.ts;
    const fail = (message: string): ts.TransformerFactory<ts.SourceFile> =>
    {
        const diagnostic: ts.Diagnostic = { category: typescript.DiagnosticCategory.Error, code: Codes.TransformerNotReady, messageText: `jitar/transformer: ${message}`, file: undefined, start: undefined, length: undefined };
        extras.addDiagnostic(diagnostic);
        return () => sourceFile => sourceFile;
    };

    const jitar = readJitarConfig(program.getCurrentDirectory(), config.jitarConfig);

    const manifestFile = join(jitar.target, MANIFEST_PATH);
    if (!existsSync(manifestFile)) return fail(`no manifest at '${relative(program.getCurrentDirectory(), manifestFile)}': run 'jitar-compile --manifest-only' before tspc`);

    // The rewritten imports point into the target's generated folder, so the emitted tree must be the target.
    const options = program.getCompilerOptions();
    if (options.outDir === undefined || resolve(options.outDir) !== jitar.target || (options.rootDir !== undefined && resolve(options.rootDir) !== jitar.source))
    {
        return fail(`set compilerOptions.rootDir to jitar's source folder and outDir to its target folder ('${relative(program.getCurrentDirectory(), jitar.source) || '.'}' and '${relative(program.getCurrentDirectory(), jitar.target) || '.'}')`);
    }

    let manifest: Manifest;
    try
    {
        manifest = readManifestFile(manifestFile);
    }
    catch (error)
    {
        return fail(error instanceof Error ? error.message : String(error));
    }
    const planner = new ImportPlanner(typescript, program.getTypeChecker(), jitar.source, new SegmentMap(manifest));
    return createImportRewriter(typescript, planner);
}
