import { existsSync } from 'node:fs';

import type { ExportedDeclarations, Project, SourceFile } from 'ts-morph';

import { compareVersions } from '../runtime/procedure-versions.js';
import { packageVersion } from '../runtime/version.js';
import { MANIFEST_FORMAT, type Manifest, type ProcedureManifest, type SegmentManifest } from '../runtime/manifest.js';
import { ClassRegistry } from './analysis/classes.js';
import { appModule, moduleCandidates, nearModuleKey, resolveModuleKey } from './analysis/modules.js';
import { analyseExport, type AnalysisContext, type ListedExport } from './analysis/procedures.js';
import { createProject } from './analysis/project.js';
import { checkErrorClasses } from './analysis/unlisted-errors.js';
import { DisplayPaths, isInside, portableRelative } from './config/display-paths.js';
import { checkIgnoredImports } from './config/ignored-imports.js';
import { ignoredFiles } from './config/ignored-files.js';
import { readJitarConfig, type JitarConfig } from './config/jitar-config.js';
import { resolveReferenceLayout } from './config/reference-layout.js';
import { readResourceFiles } from './config/resource-files.js';
import { readSegmentFiles, type SegmentEntry, type SegmentFile } from './config/segment-files.js';
import { Codes, DiagnosticBag, type Diagnostic } from './diagnostics.js';
import { SchemaGenerator } from './schema/schema-generator.js';

export interface AnalyseOptions
{
    /** The folder that relative paths start from, and that diagnostics are shown relative to. */
    cwd?: string;
    /** Path of jitar.json; without it, `jitar.json` in `cwd` when there is one, else the defaults. */
    config?: string;
    /** Path of the tsconfig.json to analyse with; without it, the app root's, else default options. */
    project?: string;
    /**
     * How jitar.json's `source` is read: `ours` (default) the TypeScript sources, `reference` (jitar build)
     * tsc's output folder, as Jitar reads it; the sources are then those of the tsconfig that writes there.
     */
    layout?: 'ours' | 'reference';
}

export interface AnalysisResult
{
    config: JitarConfig;
    manifest: Manifest;
    diagnostics: Diagnostic[];
    hasErrors: boolean;
    /** The ts-morph project, for the steps after analysis (emit) to reuse instead of parsing again. */
    project?: Project;
    /** How this run shows paths in diagnostics. */
    paths: DisplayPaths;
}

const PACKAGE_VERSION = packageVersion();

/**
 * Reads the app's configuration and sources and describes every segmented procedure and class.
 * `reuse`: a project of an earlier analysis whose changed files were refreshed (a watching build), so
 * that only those are parsed again.
 */
export function analyse(options: AnalyseOptions = {}, reuse?: Project): AnalysisResult
{
    const cwd = options.cwd ?? process.cwd();
    const paths = new DisplayPaths(cwd);
    const diagnostics = new DiagnosticBag();
    // In Jitar's layout 'source' is tsc's output folder, which the build may be run before: its TypeScript
    // folder (the tsconfig's rootDir) is checked below instead.
    const reference = options.layout === 'reference';
    let config = readJitarConfig(options.config, cwd, paths, diagnostics, reference ? ['segments', 'resources'] : ['source', 'segments', 'resources']);
    let tsconfig = options.project;
    if (reference && !diagnostics.hasErrors)
    {
        const layout = resolveReferenceLayout(config, options.project, cwd, paths, diagnostics);
        if (layout !== undefined) ({ config, tsconfig } = layout);
    }
    const manifest: Manifest = {
        format: MANIFEST_FORMAT,
        compiler: PACKAGE_VERSION,
        source: portableRelative(config.root, config.source) || '.',
        target: portableRelative(config.root, config.target) || '.',
        segments: [], procedures: [], classes: [], $defs: {}, resources: []
    };
    const finish = (project?: Project): AnalysisResult => ({ config, manifest, diagnostics: diagnostics.items, hasErrors: diagnostics.hasErrors, project, paths });

    if (reference && diagnostics.hasErrors) return finish();
    if (!existsSync(config.source))
    {
        // Otherwise readJitarConfig has said so, at the key.
        if (reference) diagnostics.error(paths.at(config.source), Codes.SourceFolderNotFound, `Source folder '${paths.display(config.source)}' not found`);
        return finish();
    }

    // A segments folder that jitar.json names and that is missing is an error already: no warning on top.
    const segmentFiles = existsSync(config.segments) || !diagnostics.hasErrors ? readSegmentFiles(config.segments, paths, diagnostics) : [];

    const isIgnored = ignoredFiles(config.source, config.build?.ignore);
    const project = reuse ?? createProject(config, tsconfig, cwd, paths, diagnostics, isIgnored, options.layout === 'reference');
    if ((config.build?.ignore?.length ?? 0) > 0) checkIgnoredImports(project, isIgnored, paths, diagnostics);
    const checker = project.getTypeChecker().compilerObject;
    const classes = new ClassRegistry(checker, config.source, paths);
    const schemas = new SchemaGenerator({
        checker,
        isAppDeclaration: declaration => isInside(config.source, declaration.getSourceFile().fileName),
        qualifierOf: declaration => appModule(config.source, declaration.getSourceFile().fileName)?.module.replaceAll('/', '.'),
        classKey: symbol => classes.keyOf(symbol)
    });
    const context: AnalysisContext = { checker, schemas, classes, paths, diagnostics };

    const sourceFiles = new SourceFileCache(project);
    const listed = groupListedExports(segmentFiles, config.source, sourceFiles, paths, diagnostics, isIgnored);
    const procedures = listed
        .map(item => analyseExport(item, sourceFiles.exportsOf(item.sourceFile), context))
        .filter((procedure): procedure is ProcedureManifest => procedure !== undefined);
    reportDuplicateImplementations(procedures, listed, diagnostics);

    manifest.segments = describeSegments(segmentFiles, listed, config);
    manifest.procedures = procedures.sort((a, b) => a.fqn.localeCompare(b.fqn) || compareVersions(a.version, b.version));
    manifest.classes = classes.describe(diagnostics);
    manifest.$defs = schemas.definitions;
    checkErrorClasses(project, manifest, config.source, paths, diagnostics);
    manifest.resources = readResourceFiles(config.resources, paths, diagnostics).flatMap(entry =>
    {
        const module = resolveModuleKey(config.source, entry.moduleKey);
        if (module === undefined) diagnostics.error(entry.location, Codes.ModuleNotFound, `Resource module '${entry.moduleKey}' not found in '${paths.display(config.source)}'`);
        else if (isIgnored(module.path)) diagnostics.error(entry.location, Codes.IgnoredModule, `Resource module '${entry.moduleKey}' is left out of the build by 'build.ignore' in jitar.json`);
        return module === undefined ? [] : [module.module];
    });

    return finish(project);
}

/** Each file parsed and its exports resolved once, however many entries name it. */
class SourceFileCache
{
    readonly #project: Project;
    readonly #exports = new Map<SourceFile, ReadonlyMap<string, ExportedDeclarations[]>>();

    constructor(project: Project)
    {
        this.#project = project;
    }

    get(path: string): SourceFile
    {
        return this.#project.getSourceFile(path) ?? this.#project.addSourceFileAtPath(path);
    }

    exportsOf(sourceFile: SourceFile): ReadonlyMap<string, ExportedDeclarations[]>
    {
        let exports = this.#exports.get(sourceFile);
        if (exports === undefined)
        {
            exports = sourceFile.getExportedDeclarations();
            this.#exports.set(sourceFile, exports);
        }
        return exports;
    }
}

/**
 * Resolves every entry's module and merges entries that name the same export in several segments. Those
 * must agree on access, version and alias: otherwise which one a caller gets would depend on where it runs.
 */
function groupListedExports(segmentFiles: SegmentFile[], sourceRoot: string, sourceFiles: SourceFileCache, paths: DisplayPaths, diagnostics: DiagnosticBag, isIgnored: (file: string) => boolean): ListedExport[]
{
    const groups = new Map<string, ListedExport>();

    for (const entry of segmentFiles.flatMap(file => file.entries))
    {
        const module = resolveModuleKey(sourceRoot, entry.moduleKey);
        if (module === undefined)
        {
            const tried = moduleCandidates(sourceRoot, entry.moduleKey).slice(0, 2).map(candidate => `'${paths.display(candidate)}'`).join(', ');
            const near = nearModuleKey(sourceRoot, entry.moduleKey);
            diagnostics.error(entry.moduleLocation, Codes.ModuleNotFound, `Module '${entry.moduleKey}' of segment '${entry.segment}' not found (looked for ${tried} and index files)${near === undefined ? '' : `; did you mean '${near}'?`}`);
            continue;
        }
        if (isIgnored(module.path))
        {
            diagnostics.error(entry.moduleLocation, Codes.IgnoredModule, `Module '${entry.moduleKey}' of segment '${entry.segment}' is left out of the build by 'build.ignore' in jitar.json ('${paths.display(module.path)}'); take it out of the segment or out of 'build.ignore'`);
            continue;
        }

        const id = `${module.path}#${entry.exportName}`;
        const group = groups.get(id);
        if (group === undefined)
        {
            groups.set(id, { module, sourceFile: sourceFiles.get(module.path), exportName: entry.exportName, entries: [entry] });
            continue;
        }
        const first = group.entries[0];
        const conflict = describeConflict(first, entry);
        if (conflict === undefined)
        {
            group.entries.push(entry);
            continue;
        }
        diagnostics.error(entry.exportLocation, Codes.ConflictingSettings,
            `'${entry.exportName}' of '${entry.moduleKey}' is listed in segments '${first.segment}' and '${entry.segment}' with different settings (${conflict}); give both the same settings, or use 'as' to make them distinct procedures`);
    }
    return [...groups.values()];
}

function describeConflict(first: SegmentEntry, other: SegmentEntry): string | undefined
{
    const differences = (['access', 'version', 'as'] as const)
        .filter(key => first[key] !== other[key])
        .map(key => `${key} ${first[key] ?? '(default)'} in ${first.segmentFile}, ${other[key] ?? '(default)'} in ${other.segmentFile}`);
    return differences.length === 0 ? undefined : differences.join('; ');
}

function reportDuplicateImplementations(procedures: ProcedureManifest[], listed: ListedExport[], diagnostics: DiagnosticBag): void
{
    const seen = new Map<string, ProcedureManifest>();
    for (const procedure of procedures)
    {
        const id = `${procedure.fqn}@${procedure.version}`;
        const earlier = seen.get(id);
        if (earlier === undefined)
        {
            seen.set(id, procedure);
            continue;
        }
        const entry = listed.find(item => item.module.module === procedure.module && item.exportName === procedure.exportName)?.entries[0];
        if (entry === undefined) continue;
        diagnostics.error(entry.exportLocation, Codes.DuplicateImplementation,
            `Procedure '${procedure.fqn}' version ${procedure.version} is implemented twice: by '${earlier.exportName}' of '${earlier.module}' and by '${procedure.exportName}' of '${procedure.module}'`);
    }
}

function describeSegments(segmentFiles: SegmentFile[], listed: ListedExport[], config: JitarConfig): SegmentManifest[]
{
    const modulesOf = new Map<string, Set<string>>();
    for (const item of listed)
    {
        for (const entry of item.entries)
        {
            const modules = modulesOf.get(entry.segment) ?? new Set<string>();
            modules.add(item.module.module);
            modulesOf.set(entry.segment, modules);
        }
    }
    return segmentFiles
        .map(file => ({ name: file.name, file: portableRelative(config.root, file.path), modules: [...modulesOf.get(file.name) ?? []].sort() }))
        .sort((a, b) => a.name.localeCompare(b.name));
}

