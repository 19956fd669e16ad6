import { ts } from '#ts-morph';

import type { Manifest } from '../../runtime/manifest.js';
import { locationOf } from '../analysis/locations.js';
import type { DisplayPaths } from '../config/display-paths.js';
import { Codes, type DiagnosticBag } from '../diagnostics.js';
import type { ImportPlanner } from '../emit/import-planner.js';
import type { AppFile } from './app-files.js';
import { implementationOf } from './implementations.js';
import { moduleSegments } from './module-segments.js';
import { findWrites, type Write } from './writes.js';

/** A module-level variable and what the app does with it. */
interface ModuleState
{
    name: ts.Identifier;
    module: string;
    writes: Write[];
    /** The segments whose code reads or writes it. */
    segments: Set<string>;
}

/**
 * Module-level variables that code of two segments uses and some code changes (a `let` given new values,
 * an object, array or Map whose contents change): in one process all segments share one copy, once split
 * each process has its own, and changes stop being seen across. Resources are left alone: their modules
 * are meant to be one per process (a connection, a cache).
 */
export function checkSharedState(manifest: Manifest, files: readonly AppFile[], planner: ImportPlanner, checker: ts.TypeChecker, paths: DisplayPaths, diagnostics: DiagnosticBag): void
{
    const resources = new Set(manifest.resources);
    const states = new Map<ts.Symbol, ModuleState>();
    for (const { module, sourceFile } of files)
    {
        if (resources.has(module)) continue;
        for (const name of moduleVariables(sourceFile))
        {
            const symbol = checker.getSymbolAtLocation(name);
            if (symbol !== undefined) states.set(symbol, { name, module, writes: [], segments: new Set() });
        }
    }
    if (states.size === 0) return;

    const sites = new SiteSegments(manifest, files, planner, checker);
    const stateOf = (identifier: ts.Identifier): ModuleState | undefined =>
    {
        const symbol = checker.getSymbolAtLocation(identifier);
        if (symbol === undefined) return undefined;
        return states.get(symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
    };

    for (const file of files)
    {
        for (const write of findWrites(file.sourceFile, checker)) stateOf(write.root)?.writes.push(write);
        const visit = (node: ts.Node): void =>
        {
            if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
            if (ts.isIdentifier(node))
            {
                const state = stateOf(node);
                if (state !== undefined && state.name !== node) for (const segment of sites.of(node, file)) state.segments.add(segment);
            }
            ts.forEachChild(node, visit);
        };
        visit(file.sourceFile);
    }

    for (const state of states.values())
    {
        const [write] = state.writes;
        if (write === undefined || state.segments.size < 2) continue;
        const where = locationOf(write.node, paths);
        const segments = [...state.segments].sort().map(segment => `'${segment}'`).join(', ');
        diagnostics.warning(locationOf(state.name, paths), Codes.SharedModuleState,
            `Module state '${state.name.text}' of '${state.module}' is used by code of segments ${segments} and changed (${where.file}:${where.line}: ${write.description}): once split, each of their processes has its own copy, and a change made in one is not seen by the others; keep it in a store all processes reach, or list '${state.module}' as a resource if a copy per process is what is meant`);
    }
}

/** The names a file declares at its top level with `let`, `var` or `const` (destructured ones included). */
function moduleVariables(sourceFile: ts.SourceFile): ts.Identifier[]
{
    const names: ts.Identifier[] = [];
    const add = (name: ts.BindingName): void =>
    {
        if (ts.isIdentifier(name)) names.push(name);
        else for (const element of name.elements) if (!ts.isOmittedExpression(element)) add(element.name);
    };
    for (const statement of sourceFile.statements)
    {
        if (ts.isVariableStatement(statement)) for (const declaration of statement.declarationList.declarations) add(declaration.name);
    }
    return names;
}

/**
 * The segments a piece of code runs in: a procedure's body runs in the segments that list the procedure;
 * anything else in every segment that loads its module.
 */
class SiteSegments
{
    readonly #modules: ReadonlyMap<string, ReadonlySet<string>>;
    readonly #procedures = new Map<string, { body: ts.Node; segments: readonly string[] }[]>();

    constructor(manifest: Manifest, files: readonly AppFile[], planner: ImportPlanner, checker: ts.TypeChecker)
    {
        this.#modules = moduleSegments(manifest, files, planner);
        for (const { module, sourceFile } of files)
        {
            const bodies = [...planner.segments.proceduresOf(module).values()].flatMap(procedure =>
            {
                const implementation = implementationOf(sourceFile, procedure.exportName, checker);
                return implementation === undefined ? [] : [{ body: implementation, segments: procedure.segments }];
            });
            this.#procedures.set(module, bodies);
        }
    }

    of(node: ts.Node, file: AppFile): Iterable<string>
    {
        const procedure = this.#procedures.get(file.module)?.find(({ body }) => node.pos >= body.pos && node.end <= body.end);
        return procedure?.segments ?? this.#modules.get(file.module) ?? [];
    }
}
