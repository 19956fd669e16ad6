import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

import { ts } from '#ts-morph';

import { Codes, type DiagnosticBag } from '../diagnostics.js';
import type { DisplayPaths } from './display-paths.js';
import type { JitarConfig } from './jitar-config.js';

/** The TypeScript project whose output folder is jitar.json's `source`. */
export interface ReferenceLayout
{
    /** jitar.json with `source` replaced by the TypeScript sources that tsc compiled into it. */
    config: JitarConfig;
    /** The tsconfig that compiles them. */
    tsconfig: string;
}

interface CompiledProject
{
    tsconfig: string;
    rootDir: string;
    outDir: string | undefined;
}

/**
 * Jitar's layout: `source` in jitar.json is tsc's output folder (`./dist`), and `jitar build` runs after
 * `tsc`. We analyse the TypeScript itself (types, wire schemas, diagnostics at the source line), so this
 * finds the tsconfig that writes into `source`: the one named with --project, else `tsconfig.json` and the
 * other `tsconfig.*.json` of the app's root, and the projects they reference. Its `rootDir` (or, without
 * one, the folder its files have in common, as tsc decides) becomes the source root of the build.
 */
export function resolveReferenceLayout(config: JitarConfig, project: string | undefined, cwd: string, paths: DisplayPaths, diagnostics: DiagnosticBag): ReferenceLayout | undefined
{
    const candidates = project === undefined ? rootTsconfigs(config.root) : [resolve(cwd, project)];
    if (project !== undefined && !existsSync(candidates[0]))
    {
        diagnostics.error(paths.at(candidates[0]), Codes.ConfigNotFound, `TypeScript project '${paths.display(candidates[0])}' not found`);
        return undefined;
    }

    const seen = new Set<string>();
    const looked: string[] = [];
    const queue = [...candidates];
    while (queue.length > 0)
    {
        const file = queue.shift() as string;
        if (seen.has(file)) continue;
        seen.add(file);
        const parsed = parseTsconfig(file);
        if (parsed === undefined) continue;
        looked.push(paths.display(file));
        queue.push(...parsed.references);
        const compiled = compiledProject(file, parsed.commandLine);
        if (compiled.outDir === undefined || !samePath(compiled.outDir, config.source)) continue;
        if (samePath(compiled.rootDir, compiled.outDir))
        {
            diagnostics.error(paths.at(file), Codes.SourceNotCompiledOutput, `${paths.display(file)} writes its output into its own source folder '${paths.display(compiled.outDir)}'; give it a separate outDir`);
            return undefined;
        }
        return { config: { ...config, source: compiled.rootDir }, tsconfig: file };
    }

    const where = looked.length === 0 ? `there is no tsconfig.json in '${paths.display(config.root)}'` : `it is the outDir of none of ${looked.join(', ')}`;
    diagnostics.error(paths.at(join(config.root, 'jitar.json')), Codes.SourceNotCompiledOutput,
        `jitar build reads 'source' in jitar.json as tsc's output folder, as Jitar does, but '${paths.display(config.source)}' is not one: ${where}. Give the tsconfig that compiles the app with --project, or, when 'source' names the TypeScript sources themselves, build with jitar-compile`);
    return undefined;
}

/** tsconfig.json first, then the app root's other tsconfig.*.json (tsconfig.build.json and the like). */
function rootTsconfigs(root: string): string[]
{
    if (!existsSync(root)) return [];
    const names = readdirSync(root).filter(name => /^tsconfig(\..+)?\.json$/.test(name)).sort((a, b) => Number(b === 'tsconfig.json') - Number(a === 'tsconfig.json') || a.localeCompare(b));
    return names.map(name => join(root, name));
}

function parseTsconfig(file: string): { commandLine: ts.ParsedCommandLine; references: string[] } | undefined
{
    const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
    const commandLine = ts.getParsedCommandLineOfConfigFile(file, undefined, host);
    if (commandLine === undefined) return undefined;
    const references = (commandLine.projectReferences ?? []).map(reference => referencedTsconfig(reference.path));
    return { commandLine, references };
}

/** A project reference names a tsconfig file or the folder that holds one. */
function referencedTsconfig(path: string): string
{
    return existsSync(path) && statSync(path).isDirectory() ? join(path, 'tsconfig.json') : path;
}

function compiledProject(tsconfig: string, commandLine: ts.ParsedCommandLine): CompiledProject
{
    const { rootDir, outDir } = commandLine.options;
    const inputs = commandLine.fileNames.filter(file => !/\.d\.[cm]?ts$/.test(file)).map(file => resolve(file));
    return {
        tsconfig,
        rootDir: rootDir !== undefined ? resolve(rootDir) : commonFolder(inputs) ?? dirname(tsconfig),
        outDir: outDir === undefined ? undefined : resolve(outDir)
    };
}

/** The deepest folder that holds every file, as tsc computes the rootDir it was not given. */
function commonFolder(files: string[]): string | undefined
{
    if (files.length === 0) return undefined;
    let common = dirname(files[0]).split(sep);
    for (const file of files.slice(1))
    {
        const parts = dirname(file).split(sep);
        let length = 0;
        while (length < common.length && length < parts.length && common[length] === parts[length]) length++;
        common = common.slice(0, length);
    }
    return common.join(sep) || sep;
}

function samePath(a: string, b: string): boolean
{
    return resolve(a) === resolve(b);
}
