import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { FileSystemRefreshResult, ts, type Project } from '#ts-morph';

import type { Manifest } from '../../runtime/manifest.js';
import { readManifest } from '../../runtime/app-build/manifest-file.js';
import { analyse, type AnalyseOptions } from '../analyse.js';
import { appModule } from '../analysis/modules.js';
import { checkProgram, convertDiagnostic, importPlanner, importRewriting, writeGenerated } from '../build.js';
import { DisplayPaths, isInside } from '../config/display-paths.js';
import { readJitarConfig, type JitarConfig } from '../config/jitar-config.js';
import { DiagnosticBag, type Diagnostic } from '../diagnostics.js';
import type { ImportPlanner } from '../emit/import-planner.js';
import { outputFile } from '../emit/output-paths.js';
import { writeManifest } from '../manifest-writer.js';
import { appInfo, writeOpenApi } from '../openapi-writer.js';
import { importRuleKey, servedKey } from './manifest-keys.js';
import { withPositionsOf } from './positions.js';
import { sourceSurface } from './source-surface.js';

/** How a round went about it: everything analysed again, or only function bodies changed. */
export type RoundKind = 'full' | 'bodies' | 'unchanged';

export interface BuildRound
{
    kind: RoundKind;
    /** Whether the target folder now holds a build of the sources as they are; false keeps the last good one. */
    ok: boolean;
    /** The errors (and, after a full analysis, warnings) of this round. */
    diagnostics: Diagnostic[];
    /** The manifest of the build in the target folder: this round's when ok, else the last good one. */
    manifest: Manifest | undefined;
    /** Whether the manifest changed beyond positions: what is served, how it is validated. */
    manifestChanged: boolean;
    /** Absolute paths of the files this round wrote (emitted JavaScript, generated modules) or removed. */
    written: string[];
    config: JitarConfig;
    paths: DisplayPaths;
    /** Milliseconds the round took. */
    duration: number;
}

const SOURCE_FILE = /\.(?:[cm]?ts|tsx)$/;

/**
 * jitar-compile kept alive: the ts-morph project of the first build stays, and each round refreshes only
 * the files that changed. TypeScript's builder (an EmitAndSemanticDiagnosticsBuilderProgram over the
 * project's program) re-checks and re-emits only the files a change affects. When an edit touched only
 * function bodies (the file's declarations and its text outside bodies are the same), the manifest stays
 * and analysis is skipped; any other change (a signature, an import, a segment or resource file, a file
 * added or removed) analyses the app again, on the same parsed project.
 */
export class IncrementalBuild
{
    readonly #options: AnalyseOptions;
    readonly #cwd: string;
    #project: Project | undefined;
    #builder: ts.EmitAndSemanticDiagnosticsBuilderProgram | undefined;
    #config: JitarConfig | undefined;
    #paths: DisplayPaths | undefined;
    /** The manifest of the last analysis that succeeded, with positions kept up to date. */
    #manifest: Manifest | undefined;
    /** Per source file, its surface as that manifest saw it (filled when the file first changes). */
    readonly #surfaces = new Map<string, string>();
    /** Set when the last analysis failed: the project no longer matches #manifest. */
    #needsAnalysis = true;
    /** What the target folder holds: the served key of its manifest, its positions, the import rule its JavaScript was emitted with. */
    #written: { servedKey: string; manifest: Manifest; importRule: string } | undefined;

    constructor(options: AnalyseOptions = {})
    {
        this.#options = options;
        this.#cwd = options.cwd ?? process.cwd();
        // The folders are known before the first build, so that changes during it are not missed.
        const paths = new DisplayPaths(this.#cwd);
        this.#config = readJitarConfig(options.config, this.#cwd, paths, new DiagnosticBag());
    }

    /** The files and folders whose changes matter: the source, segments and resources folders, jitar.json, tsconfig. */
    get watched(): { folders: string[]; files: string[] }
    {
        const config = this.#config;
        const files = [this.#jitarConfigFile(), this.#tsconfigFile()];
        return { folders: config === undefined ? [] : [config.source, config.segments, config.resources], files };
    }

    /** The first build: everything analysed, checked and emitted. */
    start(): BuildRound
    {
        return this.#fullRound(performance.now(), [], true);
    }

    /** A round for the files that changed (absolute paths; removed ones too). */
    update(changed: readonly string[]): BuildRound
    {
        const started = performance.now();
        const paths = [...new Set(changed.map(path => resolve(path)))];
        if (paths.some(path => path === this.#jitarConfigFile() || path === this.#tsconfigFile()))
        {
            // Folders and compiler options may differ: a project of their own.
            return this.#fullRound(started, [], true);
        }
        const project = this.#project;
        const config = this.#config;
        if (project === undefined || config === undefined) return this.#fullRound(started, [], true);

        const analysisInputs = paths.some(path => [config.segments, config.resources].some(folder => path === folder || isInside(folder, path)));
        const sources = paths.filter(path => SOURCE_FILE.test(path) && isInside(config.source, path));
        let bodiesOnly = !analysisInputs && !this.#needsAnalysis && this.#manifest !== undefined;

        const before = new Map<string, string>();
        if (bodiesOnly)
        {
            const program = project.getProgram().compilerObject;
            for (const path of sources)
            {
                const sourceFile = project.getSourceFile(path);
                if (sourceFile === undefined) continue;
                before.set(path, this.#surfaces.get(path) ?? sourceSurface(program, sourceFile.compilerNode));
            }
        }

        const removed: string[] = [];
        const updated: string[] = [];
        for (const path of sources)
        {
            const sourceFile = project.getSourceFile(path);
            if (!existsSync(path))
            {
                if (sourceFile === undefined) continue;
                project.removeSourceFile(sourceFile);
                removed.push(path);
            }
            else if (sourceFile === undefined)
            {
                project.addSourceFileAtPath(path);
                updated.push(path);
                bodiesOnly = false;
            }
            else if (sourceFile.refreshFromFileSystemSync() !== FileSystemRefreshResult.NoChange) updated.push(path);
        }
        if (removed.length > 0) bodiesOnly = false;
        if (!analysisInputs && removed.length === 0 && updated.length === 0) return this.#round('unchanged', started, true, [], false, []);

        if (bodiesOnly)
        {
            const program = project.getProgram().compilerObject;
            for (const path of updated)
            {
                const after = sourceSurface(program, project.getSourceFileOrThrow(path).compilerNode);
                if (after !== before.get(path)) bodiesOnly = false;
                this.#surfaces.set(path, after);
            }
        }
        const deleted = removed.flatMap(path => this.#removeOutput(path, config));
        return bodiesOnly ? this.#bodiesRound(started, updated, deleted) : this.#fullRound(started, deleted, false);
    }

    /** Analysis again (on the same project unless `fresh`), then the checks, and the affected files emitted. */
    #fullRound(started: number, deleted: string[], fresh: boolean): BuildRound
    {
        if (fresh)
        {
            this.#project = undefined;
            this.#builder = undefined;
            this.#written = undefined;
        }
        const analysis = analyse(this.#options, this.#project);
        this.#config = analysis.config;
        this.#paths = analysis.paths;
        this.#project = analysis.project;
        this.#surfaces.clear();
        const diagnostics = new DiagnosticBag();
        diagnostics.add(...analysis.diagnostics);
        const project = analysis.project;
        if (analysis.hasErrors || project === undefined)
        {
            this.#needsAnalysis = true;
            return this.#round('full', started, false, diagnostics.items, false, deleted);
        }
        const planner = checkProgram(project, analysis.manifest, analysis.config.source, analysis.paths, diagnostics);
        // Import errors come from the sources as they are: the next round looks again.
        this.#needsAnalysis = diagnostics.hasErrors;
        if (diagnostics.hasErrors) return this.#round('full', started, false, diagnostics.items, false, deleted);
        this.#manifest = analysis.manifest;
        return this.#checkAndEmit('full', started, project, planner, diagnostics, deleted);
    }

    /** Only bodies changed: the manifest stays (its positions moved), the changed files are checked and emitted. */
    #bodiesRound(started: number, updated: string[], deleted: string[]): BuildRound
    {
        const project = this.#project as Project;
        const config = this.#config as JitarConfig;
        const manifest = this.#manifest as Manifest;
        const files = new Set(updated.flatMap(path => appModule(config.source, path)?.file ?? []));
        this.#manifest = withPositionsOf(manifest, files, project, config.source) ?? manifest;
        return this.#checkAndEmit('bodies', started, project, importPlanner(project, this.#manifest, config.source), new DiagnosticBag(), deleted);
    }

    #checkAndEmit(kind: RoundKind, started: number, project: Project, planner: ImportPlanner, diagnostics: DiagnosticBag, deleted: string[]): BuildRound
    {
        const paths = this.#paths as DisplayPaths;
        const config = this.#config as JitarConfig;
        const manifest = this.#manifest as Manifest;
        const program = project.getProgram().compilerObject;
        const fresh = this.#builder === undefined;
        const builder = ts.createEmitAndSemanticDiagnosticsBuilderProgram(program, {}, this.#builder);
        this.#builder = builder;

        // Only the affected files are checked; the others' diagnostics come from the builder's cache.
        while (builder.getSemanticDiagnosticsOfNextAffectedFile() !== undefined) { /* checks the next affected file */ }
        const typeScript = [...builder.getConfigFileParsingDiagnostics(), ...builder.getOptionsDiagnostics(), ...builder.getGlobalDiagnostics(), ...builder.getSyntacticDiagnostics(), ...builder.getSemanticDiagnostics()];
        diagnostics.add(...typeScript.map(diagnostic => convertDiagnostic(diagnostic, paths)).filter(isDefined));
        // The builder keeps the files it did not emit pending: the round that fixes the errors emits them.
        if (diagnostics.hasErrors) return this.#round(kind, started, false, diagnostics.items, false, deleted);

        const written = [...deleted];
        const key = servedKey(manifest);
        const manifestChanged = this.#written?.servedKey !== key;
        // Positions alone change nothing that runs: writePositions writes them when there is time.
        if (manifestChanged) written.push(...writeGenerated({ manifest, config }, planner.segments).map(file => join(config.target, file)));

        const transformers = importRewriting(planner);
        const writeFile = (fileName: string, text: string): void =>
        {
            mkdirSync(dirname(fileName), { recursive: true });
            writeFileSync(fileName, text);
            written.push(fileName);
        };
        const emitDiagnostics: ts.Diagnostic[] = [];
        for (let result = builder.emitNextAffectedFile(writeFile, undefined, false, transformers); result !== undefined; result = builder.emitNextAffectedFile(writeFile, undefined, false, transformers))
        {
            emitDiagnostics.push(...result.result.diagnostics);
        }
        const importRule = importRuleKey(manifest);
        if (!fresh && this.#written !== undefined && this.#written.importRule !== importRule)
        {
            // Which imports become proxies changed: every file, not only the affected ones.
            emitDiagnostics.push(...program.emit(undefined, writeFile, undefined, false, transformers).diagnostics);
        }
        diagnostics.add(...emitDiagnostics.map(diagnostic => convertDiagnostic(diagnostic, paths)).filter(isDefined));
        this.#written = { servedKey: key, manifest: manifestChanged ? manifest : this.#written?.manifest ?? manifest, importRule };
        return this.#round(kind, started, true, diagnostics.items, manifestChanged, [...new Set(written)]);
    }

    /**
     * Writes the manifest and OpenAPI document again when only positions moved since they were written
     * (edits of bodies): both quote where procedures are declared. Their paths; none when nothing moved.
     */
    writePositions(): string[]
    {
        const written = this.#written;
        const manifest = this.#manifest;
        const config = this.#config;
        if (written === undefined || manifest === undefined || config === undefined || written.manifest === manifest) return [];
        if (servedKey(manifest) !== written.servedKey) return [];
        const moved = positionsKey(manifest) !== positionsKey(written.manifest);
        written.manifest = manifest;
        if (!moved) return [];
        // Positions do not change the validators: the manifest keeps naming the ones written with it.
        const validators = readManifest(config.target).validators;
        return [writeManifest({ ...manifest, validators }, config.target), writeOpenApi(manifest, appInfo(config.root), config.target)];
    }

    /** Deletes what a removed source file emitted; its path when there was something. */
    #removeOutput(path: string, config: JitarConfig): string[]
    {
        const module = appModule(config.source, path);
        if (module === undefined) return [];
        const output = join(config.target, outputFile(module.file));
        if (!existsSync(output)) return [];
        rmSync(output);
        return [output];
    }

    #round(kind: RoundKind, started: number, ok: boolean, diagnostics: Diagnostic[], manifestChanged: boolean, written: string[]): BuildRound
    {
        return {
            kind, ok, diagnostics, manifestChanged, written,
            manifest: this.#written?.manifest,
            config: this.#config as JitarConfig,
            paths: this.#paths as DisplayPaths,
            duration: performance.now() - started
        };
    }

    #jitarConfigFile(): string
    {
        return resolve(this.#cwd, this.#options.config ?? 'jitar.json');
    }

    #tsconfigFile(): string
    {
        const root = this.#config?.root ?? this.#cwd;
        return this.#options.project === undefined ? join(root, 'tsconfig.json') : resolve(this.#cwd, this.#options.project);
    }
}

const positionsKey = (manifest: Manifest): string => JSON.stringify([manifest.procedures.map(item => item.position), manifest.classes.map(item => item.position)]);

const isDefined = <T>(value: T | undefined): value is T => value !== undefined;
