import type * as ts from 'typescript';

import type { TypeScriptApi } from './typescript-api.js';

import { appModule, moduleOf } from '../analysis/modules.js';
import type { SegmentMap } from './import-rule.js';
import { outputFile, proxyFile, relativeSpecifier } from './output-paths.js';

export interface SpecifierPlan
{
    /** The specifier the emitted JavaScript gets. */
    text: string;
    proxied: boolean;
    /** The imported module, relative to the source root without extension. */
    module: string;
}

/**
 * Decides, for one import specifier of an app module, what the emitted code imports instead: the
 * proxies of a module held by other segments, or the module's emitted file with the extension Node's
 * ESM loader needs. Specifiers that do not lead to an app module (packages, node built-ins) are left alone.
 *
 * It receives the TypeScript instance it works with, because under tspc that is the app's own copy.
 */
export class ImportPlanner
{
    readonly #ts: TypeScriptApi;
    readonly #checker: ts.TypeChecker;
    readonly #sourceRoot: string;
    readonly #segments: SegmentMap;
    readonly #plans = new WeakMap<ts.Expression, SpecifierPlan | undefined>();

    constructor(typescript: TypeScriptApi, checker: ts.TypeChecker, sourceRoot: string, segments: SegmentMap)
    {
        this.#ts = typescript;
        this.#checker = checker;
        this.#sourceRoot = sourceRoot;
        this.#segments = segments;
    }

    get segments(): SegmentMap
    {
        return this.#segments;
    }

    /** The source-relative path of an app file (`domain/a.ts`), or undefined for files outside the app. */
    appFile(fileName: string): string | undefined
    {
        return appModule(this.#sourceRoot, fileName)?.file;
    }

    /** Planned once per specifier: the import check and the emit both ask. */
    plan(importer: ts.SourceFile, specifier: ts.Expression): SpecifierPlan | undefined
    {
        if (this.#plans.has(specifier)) return this.#plans.get(specifier);
        const plan = this.#decide(importer, specifier);
        this.#plans.set(specifier, plan);
        return plan;
    }

    #decide(importer: ts.SourceFile, specifier: ts.Expression): SpecifierPlan | undefined
    {
        if (!this.#ts.isStringLiteralLike(specifier)) return undefined;
        const importerFile = this.appFile(importer.fileName);
        if (importerFile === undefined) return undefined;

        const target = this.#checker.getSymbolAtLocation(specifier)?.declarations?.find(declaration => this.#ts.isSourceFile(declaration));
        const importedFile = target === undefined ? undefined : this.appFile((target as ts.SourceFile).fileName);
        if (importedFile === undefined) return undefined;

        const importerOutput = outputFile(importerFile);
        const module = moduleOf(importedFile);
        if (this.#segments.mustProxy(moduleOf(importerFile), module))
        {
            return { text: relativeSpecifier(importerOutput, proxyFile(module)), proxied: true, module };
        }
        return { text: relativeSpecifier(importerOutput, outputFile(importedFile)), proxied: false, module };
    }
}
