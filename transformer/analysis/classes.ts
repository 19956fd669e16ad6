import { ts } from '#ts-morph';

import type { ClassManifest, ClassMemberManifest } from '../../runtime/manifest.js';
import type { DisplayPaths } from '../config/display-paths.js';
import { Codes, type DiagnosticBag } from '../diagnostics.js';
import { appModule, fullyQualifiedName, type ModuleLocation } from './modules.js';
import { isHiddenMember } from '../schema/members.js';
import { locationOf } from './locations.js';
import { errorStatusOf } from './error-classes.js';

interface Registration
{
    symbol: ts.Symbol;
    declaration: ts.ClassLikeDeclaration;
    module: ModuleLocation;
    exportName: string;
    key: string;
    registration: ClassManifest['registration'];
    segments: Set<string>;
}

/**
 * The classes whose instances may cross the wire: those listed in a segment, and the app's exported
 * classes that a procedure's signature uses (Jitar apps never list those, yet send them).
 */
export class ClassRegistry
{
    readonly #checker: ts.TypeChecker;
    readonly #sourceRoot: string;
    readonly #paths: DisplayPaths;
    readonly #bySymbol = new Map<ts.Symbol, Registration>();

    constructor(checker: ts.TypeChecker, sourceRoot: string, paths: DisplayPaths)
    {
        this.#checker = checker;
        this.#sourceRoot = sourceRoot;
        this.#paths = paths;
    }

    registerListed(symbol: ts.Symbol, declaration: ts.ClassLikeDeclaration, module: ModuleLocation, exportName: string, segment: string): void
    {
        const known = this.#bySymbol.get(symbol);
        if (known !== undefined)
        {
            known.registration = 'segment';
            known.segments.add(segment);
            return;
        }
        const key = fullyQualifiedName(module.module, exportName, declaration.name?.text, undefined);
        this.#bySymbol.set(symbol, { symbol, declaration, module, exportName, key, registration: 'segment', segments: new Set([segment]) });
    }

    /** The key of a class used in a signature, registering it when it is the app's and exported. */
    keyOf(symbol: ts.Symbol): { key: string } | { problem: string }
    {
        const known = this.#bySymbol.get(symbol);
        if (known !== undefined) return { key: known.key };

        const declaration = symbol.declarations?.find(ts.isClassLike);
        const sourceFile = declaration?.getSourceFile();
        const module = sourceFile === undefined ? undefined : appModule(this.#sourceRoot, sourceFile.fileName);
        if (declaration === undefined || sourceFile === undefined || module === undefined)
        {
            return { problem: `instances of class '${symbol.name}' cannot cross the wire: it is not a class of the app nor a built-in the serializer knows` };
        }

        const exportName = this.#exportNameOf(symbol, sourceFile);
        if (exportName === undefined)
        {
            return { problem: `class '${symbol.name}' is not exported by '${module.file}', so the runtime cannot rebuild its instances; export it` };
        }

        const key = fullyQualifiedName(module.module, exportName, declaration.name?.text, undefined);
        this.#bySymbol.set(symbol, { symbol, declaration, module, exportName, key, registration: 'signature', segments: new Set() });
        return { key };
    }

    describe(diagnostics: DiagnosticBag): ClassManifest[]
    {
        return [...this.#bySymbol.values()]
            .map(registration => this.#describe(registration, diagnostics))
            .sort((a, b) => a.key.localeCompare(b.key));
    }

    #exportNameOf(symbol: ts.Symbol, sourceFile: ts.SourceFile): string | undefined
    {
        const moduleSymbol = this.#checker.getSymbolAtLocation(sourceFile);
        if (moduleSymbol === undefined) return undefined;
        for (const exported of this.#checker.getExportsOfModule(moduleSymbol))
        {
            const target = exported.flags & ts.SymbolFlags.Alias ? this.#checker.getAliasedSymbol(exported) : exported;
            if (target === symbol) return exported.name;
        }
        return undefined;
    }

    #describe(registration: Registration, diagnostics: DiagnosticBag): ClassManifest
    {
        const { symbol, declaration, module } = registration;
        const location = locationOf(declaration.name ?? declaration, this.#paths);
        const constructorParameters = this.#constructorParameters(symbol);
        const members = this.#members(symbol);

        for (const parameter of constructorParameters)
        {
            const member = members.find(candidate => candidate.name === parameter);
            if (member?.readable !== true)
            {
                diagnostics.warning(location, Codes.ClassNotRebuildable,
                    `Class '${symbol.name}' has no public readable member '${parameter}' for its constructor parameter '${parameter}'; its instances will be rebuilt without that argument`);
            }
        }

        const manifest: ClassManifest = {
            key: registration.key,
            module: module.module,
            file: module.file,
            exportName: registration.exportName,
            registration: registration.registration,
            segments: [...registration.segments].sort(),
            constructorParameters,
            members,
            position: { line: location.line, column: location.column }
        };
        const parent = this.#parentKey(symbol);
        if (parent !== undefined) manifest.extends = parent;
        const status = this.#errorStatus(symbol);
        if (status !== undefined) manifest.status = status;
        return manifest;
    }

    #constructorParameters(symbol: ts.Symbol): string[]
    {
        const constructorType = this.#checker.getTypeOfSymbol(symbol);
        const [signature] = constructorType.getConstructSignatures();
        return signature?.getParameters().map(parameter => parameter.name) ?? [];
    }

    #members(symbol: ts.Symbol): ClassMemberManifest[]
    {
        const instanceType = this.#checker.getDeclaredTypeOfSymbol(symbol);
        const members: ClassMemberManifest[] = [];
        for (const property of this.#checker.getPropertiesOfType(instanceType))
        {
            if (isHiddenMember(property) || property.flags & ts.SymbolFlags.Method) continue;
            const declaration = property.valueDeclaration ?? property.declarations?.[0];
            const modifiers = declaration === undefined ? ts.ModifierFlags.None : ts.getCombinedModifierFlags(declaration);
            if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;

            const isField = (property.flags & ts.SymbolFlags.Property) !== 0;
            members.push({
                name: property.getName(),
                readable: isField || (property.flags & ts.SymbolFlags.GetAccessor) !== 0,
                writable: isField ? (modifiers & ts.ModifierFlags.Readonly) === 0 : (property.flags & ts.SymbolFlags.SetAccessor) !== 0
            });
        }
        return members;
    }

    /** The status of jitar's nearest error class among the ancestors, 500 for other errors, undefined for non-errors. */
    #errorStatus(symbol: ts.Symbol): number | undefined
    {
        for (let type = this.#checker.getDeclaredTypeOfSymbol(symbol); type.isClassOrInterface();)
        {
            const [base] = this.#checker.getBaseTypes(type);
            const baseSymbol = base?.getSymbol();
            if (base === undefined || baseSymbol === undefined) return undefined;
            const file = baseSymbol.declarations?.[0]?.getSourceFile().fileName ?? '';
            const status = errorStatusOf(baseSymbol.name, file);
            if (status !== undefined) return status;
            type = base;
        }
        return undefined;
    }

    #parentKey(symbol: ts.Symbol): string | undefined
    {
        const instanceType = this.#checker.getDeclaredTypeOfSymbol(symbol);
        if (!instanceType.isClassOrInterface()) return undefined;
        const [base] = this.#checker.getBaseTypes(instanceType);
        const baseSymbol = base?.getSymbol();
        return baseSymbol === undefined ? undefined : this.#bySymbol.get(baseSymbol)?.key;
    }
}
