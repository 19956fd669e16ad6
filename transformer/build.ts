import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Types by the package's own name, so that the declarations of this public module need no `imports` map
// (moduleResolution node10 has none); the values through '#ts-morph' (ts-morph.ts says why).
import type { Project, ts as Ts } from 'ts-morph';
import { ts } from '#ts-morph';

import { analyse, type AnalyseOptions, type AnalysisResult } from './analyse.js';
import { Codes, DiagnosticBag, type Diagnostic } from './diagnostics.js';
import { segmentEntryFile, segmentEntrySource } from './emit/entry-source.js';
import { checkClassModules, checkImports } from './emit/import-check.js';
import { ImportPlanner } from './emit/import-planner.js';
import { createImportRewriter } from './emit/import-rewriter.js';
import { SegmentMap } from './emit/import-rule.js';
import { CALL_MODULE, proxyFile } from './emit/output-paths.js';
import { callModuleSource, proxyModuleSource } from './emit/proxy-source.js';
import { writeManifest } from './manifest-writer.js';
import { startValidators, type PendingValidators } from './validators-writer.js';
import { readPreviousManifest } from './contracts/previous-manifest.js';
import { surfaceChanges, type SurfaceChange } from './contracts/surface-changes.js';
import { checkSplitSafety } from './split-safety/split-safety.js';
import { appInfo, writeOpenApi } from './openapi-writer.js';
import { OPENAPI_PATH } from '../runtime/app-build/openapi-file.js';
import type { Manifest } from '../runtime/manifest.js';
import { VALIDATORS_PATH } from '../runtime/validation/validators-module.js';
import type { DisplayPaths } from './config/display-paths.js';

export interface BuildOptions extends AnalyseOptions
{
    /** Type-check and emit the app's JavaScript; without it only the manifest and generated modules are written. */
    emit?: boolean;
    /** A previous build (its folder or manifest): its public and protected procedures are compared with these. */
    against?: string;
}

export interface BuildResult extends AnalysisResult
{
    /** Files written into the target folder, relative to it. */
    written: string[];
    /** With `against`: the changes of the surface since that build. */
    changes?: SurfaceChange[];
}

/**
 * jitar-compile: analysis, then (when nothing is wrong) the manifest, the generated modules (proxies,
 * segment entries) and the app's JavaScript with cross-segment imports swapped, from one type-check.
 */
export function build(options: BuildOptions = {}): BuildResult
{
    const analysis = analyse(options);
    const diagnostics = new DiagnosticBag();
    diagnostics.add(...analysis.diagnostics);
    let changes: SurfaceChange[] | undefined;
    const finish = (written: string[]): BuildResult => ({ ...analysis, diagnostics: diagnostics.items, hasErrors: diagnostics.hasErrors, written, ...changes === undefined ? {} : { changes } });
    const { project, manifest, config, paths } = analysis;
    if (analysis.hasErrors || project === undefined) return finish([]);
    if (options.against !== undefined) changes = checkAgainst(resolve(options.cwd ?? process.cwd(), options.against), analysis, diagnostics);

    // Compiled in a worker thread while the program is checked and emitted; with neither, here.
    const validators = startValidators(manifest, options.emit === false ? false : undefined);
    const planner = checkProgram(project, manifest, config.source, paths, diagnostics);
    if (options.emit !== false) diagnostics.add(...typeScriptDiagnostics(project, paths));
    if (diagnostics.hasErrors)
    {
        validators.abandon();
        return finish([]);
    }

    if (options.emit !== false)
    {
        const emitted = project.emitSync({ customTransformers: importRewriting(planner) });
        diagnostics.add(...emitted.getDiagnostics().map(diagnostic => convertDiagnostic(diagnostic.compilerObject, paths)).filter(isDefined));
    }
    // Last, the manifest among them: what watches the build for a new manifest finds the rest in place.
    return finish(writeGenerated(analysis, planner.segments, validators));
}

/**
 * The checks after analysis that look at the whole program (imports across segments, modules of classes,
 * split safety); the planner they build is the one the emit rewrites imports with.
 */
export function checkProgram(project: Project, manifest: Manifest, sourceRoot: string, paths: DisplayPaths, diagnostics: DiagnosticBag): ImportPlanner
{
    const checker = project.getTypeChecker().compilerObject;
    const planner = importPlanner(project, manifest, sourceRoot);
    checkImports(project, planner, checker, paths, diagnostics);
    checkClassModules(manifest, planner, sourceRoot, paths, diagnostics);
    checkSplitSafety(manifest, project, planner, checker, paths, diagnostics);
    return planner;
}

/** The planner of the emit's import rule, over the project's current program. */
export function importPlanner(project: Project, manifest: Manifest, sourceRoot: string): ImportPlanner
{
    return new ImportPlanner(bridge(ts), bridge(project.getTypeChecker().compilerObject), sourceRoot, new SegmentMap(manifest));
}

/** The custom transformers of an emit: cross-segment imports swapped for proxies, as the planner says. */
export function importRewriting(planner: ImportPlanner): Ts.CustomTransformers
{
    return { before: [bridge<Ts.TransformerFactory<Ts.SourceFile>>(createImportRewriter(bridge(ts), planner))] };
}

/**
 * The manifest, OpenAPI document and generated modules (proxies, segment entries); their paths relative to the
 * target. `validators`: those a build started earlier; by default made here, as a caller that waits for them
 * (jitar dev) has nothing to do meanwhile.
 */
export function writeGenerated({ manifest, config }: Pick<AnalysisResult, 'manifest' | 'config'>, segments: SegmentMap, validators: PendingValidators = startValidators(manifest, false)): string[]
{
    const files = new Map<string, string>();
    files.set(CALL_MODULE, callModuleSource());
    for (const module of segments.heldModules) files.set(proxyFile(module), proxyModuleSource(module, segments.proceduresOf(module)));
    for (const segment of manifest.segments) files.set(segmentEntryFile(segment.name), segmentEntrySource(segment, manifest, segments));
    // Node reads the emitted .js files as ES modules only when a package.json says so.
    if (!existsSync(join(config.target, 'package.json'))) files.set('package.json', `${JSON.stringify({ type: 'module' }, null, 2)}\n`);

    for (const [file, text] of files)
    {
        const path = join(config.target, file);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
    }
    // The manifest names the validators written with it, so that the runtime knows they belong together.
    validators.write(config.target);
    writeManifest({ ...manifest, validators: validators.hash }, config.target);
    writeOpenApi(manifest, appInfo(config.root), config.target);
    return [...files.keys(), VALIDATORS_PATH, '.jitar/manifest.json', OPENAPI_PATH];
}

/** The surface's changes since a previous build; a breaking change at a version that build has is an error at the procedure. */
function checkAgainst(path: string, { manifest, config, paths }: AnalysisResult, diagnostics: DiagnosticBag): SurfaceChange[] | undefined
{
    const previous = readPreviousManifest(path);
    if ('problem' in previous)
    {
        diagnostics.error(paths.at(path), Codes.PreviousBuildUnreadable, `--against: ${previous.problem}`);
        return undefined;
    }
    // Files as diagnostics show them: from the working folder, through the source root of the build they are in.
    const changes = surfaceChanges(previous.manifest, manifest).map(change => ({
        ...change,
        source: { ...change.source, file: paths.display(change.source.manifest === 'current' ? join(config.source, change.source.file) : resolve(config.root, previous.manifest.source, change.source.file)) }
    }));
    for (const change of changes)
    {
        if (!change.breaking || !change.versionKept) continue;
        const { file, line, column } = change.source;
        diagnostics.error({ file, line, column }, Codes.BreakingChangeKeptVersion,
            `Breaking change to '${change.fqn}' at version ${change.version}, which ${paths.display(previous.file)} has too: ${change.detail}; give the procedure a new version`);
    }
    return changes;
}

function typeScriptDiagnostics(project: Project, paths: DisplayPaths): Diagnostic[]
{
    const program = project.getProgram().compilerObject;
    return [...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()]
        .map(diagnostic => convertDiagnostic(diagnostic, paths))
        .filter(isDefined);
}

/** A diagnostic of TypeScript's as ours (tsc's file:line:col); undefined for suggestions and messages. */
export function convertDiagnostic(diagnostic: Ts.Diagnostic, paths: DisplayPaths): Diagnostic | undefined
{
    if (diagnostic.category !== ts.DiagnosticCategory.Error && diagnostic.category !== ts.DiagnosticCategory.Warning) return undefined;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    const severity = diagnostic.category === ts.DiagnosticCategory.Error ? 'error' : 'warning';
    if (diagnostic.file === undefined) return { file: 'tsconfig', line: 1, column: 1, severity, code: diagnostic.code, message, origin: 'typescript' };
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return { file: paths.display(diagnostic.file.fileName), line: line + 1, column: character + 1, severity, code: diagnostic.code, message, origin: 'typescript' };
}

/**
 * ts-morph carries its own copy of TypeScript 6.0, whose typings differ from the typescript package's in
 * private brands only; the emit steps are typed against the latter (what tspc hands them). Same runtime
 * objects, two declarations: this is the one place that crosses between them.
 */
function bridge<T>(value: unknown): T
{
    return value as T;
}

const isDefined = <T>(value: T | undefined): value is T => value !== undefined;
