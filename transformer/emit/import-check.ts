import { join } from 'node:path';

import { ts, type Project } from '#ts-morph';

import type { Manifest } from '../../runtime/manifest.js';
import { locationOf } from '../analysis/locations.js';
import type { DisplayPaths } from '../config/display-paths.js';
import { Codes, type DiagnosticBag } from '../diagnostics.js';
import { classKeysOf } from './entry-source.js';
import { moduleOf } from '../analysis/modules.js';
import type { ImportPlanner, SpecifierPlan } from './import-planner.js';

/**
 * What the import rule cannot fix by itself, found before anything is emitted: values other than
 * procedures imported from modules of other segments (their code would come along), and private
 * procedures that a module of another segment calls (that call would fail at run time).
 */
export function checkImports(project: Project, planner: ImportPlanner, checker: ts.TypeChecker, paths: DisplayPaths, diagnostics: DiagnosticBag): void
{
    for (const wrapped of project.getSourceFiles())
    {
        const sourceFile = wrapped.compilerNode;
        const importerFile = planner.appFile(sourceFile.fileName);
        if (importerFile === undefined) continue;
        const importer = moduleOf(importerFile);

        for (const { names, specifier, plan } of proxiedImports(sourceFile, planner))
        {
            const procedures = planner.segments.proceduresOf(plan.module);
            const holders = [...planner.segments.holdersOf(plan.module)];
            const importerHolders = [...planner.segments.holdersOf(importer)];
            for (const { exportName, node } of names)
            {
                const procedure = procedures.get(exportName);
                if (procedure === undefined)
                {
                    if (!isValueExport(checker, specifier, exportName)) continue;
                    diagnostics.error(locationOf(node, paths), Codes.ForeignImport,
                        `'${exportName}' of '${plan.module}' is not a procedure, and that module is held by ${describeSegments(holders)}; importing it into '${importer}' (${importerHolders.length === 0 ? 'a shared module' : describeSegments(importerHolders)}) would bring that code along. Move it to a shared module, or import it with 'import type' if only its type is needed`);
                }
                else if (procedure.access === 'private' && importerHolders.length > 0 && !importerHolders.some(segment => holders.includes(segment)))
                {
                    diagnostics.warning(locationOf(node, paths), Codes.PrivateAcrossSegments,
                        `Procedure '${procedure.fqn}' is private to ${describeSegments(holders)}; calling it from '${importer}' (${describeSegments(importerHolders)}) fails with ProcedureNotAccessible`);
                }
            }
        }
    }
}

/**
 * A class that crosses segments must be loadable where its instances arrive. When its module also holds
 * procedures, every segment that receives the class would load that segment's code: say so.
 */
export function checkClassModules(manifest: Manifest, planner: ImportPlanner, sourceRoot: string, paths: DisplayPaths, diagnostics: DiagnosticBag): void
{
    const held = manifest.classes.filter(item => planner.segments.holdersOf(item.module).size > 0);
    if (held.length === 0) return;
    const keysOf = new Map(manifest.procedures.map(procedure => [procedure, classKeysOf(procedure, manifest.$defs)]));

    for (const item of held)
    {
        const holders = planner.segments.holdersOf(item.module);
        const users = manifest.procedures.filter(procedure => keysOf.get(procedure)?.has(item.key) === true);
        const outside = [...new Set([...users.flatMap(procedure => procedure.segments), ...item.segments])].filter(segment => !holders.has(segment));
        if (outside.length === 0) continue;
        diagnostics.warning({ file: paths.display(join(sourceRoot, item.file)), ...item.position }, Codes.ClassInHeldModule,
            `Class '${item.key}' is used by ${describeSegments(outside)}, but its module also holds procedures of ${describeSegments([...holders])}; move the class to a module of its own so that its instances can cross without that code`);
    }
}

export interface ImportedName
{
    exportName: string;
    node: ts.Node;
}

/** The names an import or re-export takes by value; undefined for other statements and type-only ones. */
/** The import and export-from statements of a file that the plan turns into proxies, with their names. */
export function* proxiedImports(sourceFile: ts.SourceFile, planner: ImportPlanner): Generator<{ names: ImportedName[]; specifier: ts.Expression; plan: SpecifierPlan }>
{
    for (const statement of sourceFile.statements)
    {
        const names = importedNames(statement);
        if (names === undefined) continue;
        const specifier = (statement as ts.ImportDeclaration | ts.ExportDeclaration).moduleSpecifier as ts.Expression;
        const plan = planner.plan(sourceFile, specifier);
        if (plan?.proxied === true) yield { names, specifier, plan };
    }
}

export function importedNames(statement: ts.Statement): ImportedName[] | undefined
{
    if (ts.isImportDeclaration(statement))
    {
        const clause = statement.importClause;
        if (clause === undefined || clause.isTypeOnly) return undefined;
        const names: ImportedName[] = [];
        if (clause.name !== undefined) names.push({ exportName: 'default', node: clause.name });
        if (clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings))
        {
            for (const element of clause.namedBindings.elements)
            {
                if (!element.isTypeOnly) names.push({ exportName: (element.propertyName ?? element.name).text, node: element });
            }
        }
        return names;
    }
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined && !statement.isTypeOnly)
    {
        const clause = statement.exportClause;
        if (clause === undefined || !ts.isNamedExports(clause)) return [];
        return clause.elements.filter(element => !element.isTypeOnly).map(element => ({ exportName: (element.propertyName ?? element.name).text, node: element }));
    }
    return undefined;
}

function isValueExport(checker: ts.TypeChecker, specifier: ts.Expression, exportName: string): boolean
{
    const moduleSymbol = checker.getSymbolAtLocation(specifier);
    if (moduleSymbol === undefined) return false;
    const exported = checker.getExportsOfModule(moduleSymbol).find(symbol => symbol.name === exportName);
    if (exported === undefined) return false;
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    return (target.flags & ts.SymbolFlags.Value) !== 0;
}

function describeSegments(segments: string[]): string
{
    const names = segments.map(segment => `'${segment}'`).join(', ');
    return `segment${segments.length === 1 ? '' : 's'} ${names}`;
}
