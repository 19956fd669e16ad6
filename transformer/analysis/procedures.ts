import { closestMatch } from 'leven';
import { Node, ts, type ExportedDeclarations, type SourceFile } from '#ts-morph';

import type { Access, ProcedureManifest, SourceLocation } from '../../runtime/manifest.js';
import type { DisplayPaths } from '../config/display-paths.js';
import type { SegmentEntry } from '../config/segment-files.js';
import { Codes, type DiagnosticBag } from '../diagnostics.js';
import type { SchemaGenerator, SchemaProblem } from '../schema/schema-generator.js';
import type { ClassRegistry } from './classes.js';
import { locationOf } from './locations.js';
import { fullyQualifiedName, type ModuleLocation } from './modules.js';
import { describeParameters, type ParameterProblem } from './parameters.js';

/** One export of one module, as one or more segments list it (with the same settings). */
export interface ListedExport
{
    module: ModuleLocation;
    sourceFile: SourceFile;
    exportName: string;
    entries: SegmentEntry[];
}

export interface AnalysisContext
{
    checker: ts.TypeChecker;
    schemas: SchemaGenerator;
    classes: ClassRegistry;
    paths: DisplayPaths;
    diagnostics: DiagnosticBag;
}

const DEFAULT_ACCESS: Access = 'private';
const DEFAULT_VERSION = '0.0.0';

/** The names a segment file can list: types and interfaces are no procedures or classes. */
function valueExports(exported: ReadonlyMap<string, ExportedDeclarations[]>): string[]
{
    return [...exported].filter(([, declarations]) => declarations.some(declaration => !Node.isTypeAliasDeclaration(declaration) && !Node.isInterfaceDeclaration(declaration))).map(([name]) => name);
}

/** The exports a segment file could have meant: the near one first, then what there is. */
function exportsHint(asked: string, names: readonly string[]): string
{
    if (names.length === 0) return '; it exports nothing';
    const sorted = [...names].sort();
    // A typo is a few edits of a long name, one of a short one: 'nope' is not 'good'.
    const near = closestMatch(asked, sorted, { maxDistance: Math.min(3, Math.max(1, Math.floor(asked.length / 3))) });
    const listed = sorted.length <= 8 ? sorted : [...sorted.slice(0, 8), '...'];
    const list = listed.map(name => name === '...' ? name : `'${name}'`).join(', ');
    return near === undefined ? `; its exports are ${list}` : `; did you mean '${near}'? (its exports: ${list})`;
}

/** Analyses a listed export: a procedure's manifest, a class registration, or diagnostics. */
export function analyseExport(listed: ListedExport, exported: ReadonlyMap<string, ExportedDeclarations[]>, context: AnalysisContext): ProcedureManifest | undefined
{
    const [first] = listed.entries;
    const { diagnostics } = context;
    const subject = `'${listed.exportName}' of '${first.moduleKey}'`;
    const declarations = exported.get(listed.exportName);

    if (declarations === undefined || declarations.length === 0)
    {
        const local = listed.exportName === 'default' ? undefined : listed.sourceFile.getLocal(listed.exportName);
        const why = local === undefined ? `Module '${first.moduleKey}' has no export '${listed.exportName}'${exportsHint(listed.exportName, valueExports(exported))}` : `'${listed.exportName}' is declared in '${first.moduleKey}' but not exported`;
        for (const entry of listed.entries) diagnostics.error(entry.exportLocation, Codes.ExportNotFound, why);
        return undefined;
    }

    const declaration = declarations.find(candidate => !Node.isFunctionDeclaration(candidate) || candidate.hasBody()) ?? declarations[0];

    if (Node.isClassDeclaration(declaration))
    {
        for (const entry of listed.entries)
        {
            context.classes.registerListed(declaration.getSymbolOrThrow().compilerSymbol, declaration.compilerNode, listed.module, listed.exportName, entry.segment);
            if (entry.access !== undefined || entry.version !== undefined || entry.as !== undefined)
            {
                diagnostics.warning(entry.exportLocation, Codes.ClassSettingIgnored, `${subject} is a class: access, version and as apply to procedures only and are ignored`);
            }
        }
        return undefined;
    }

    let fn: ts.FunctionDeclaration | ts.FunctionExpression;
    let declaredName: string | undefined;
    if (Node.isFunctionDeclaration(declaration))
    {
        if (declaration.getOverloads().length > 0)
        {
            diagnostics.error(locationOf(declaration.getNameNode()?.compilerNode ?? declaration.compilerNode, context.paths), Codes.Overloaded,
                `Segmented procedure ${subject} has overloads; a procedure needs one signature for its RPC parameters`);
            return undefined;
        }
        fn = declaration.compilerNode;
        declaredName = declaration.getName();
    }
    else if (Node.isVariableDeclaration(declaration) && Node.isFunctionExpression(declaration.getInitializer()))
    {
        fn = declaration.getInitializerIfKindOrThrow(ts.SyntaxKind.FunctionExpression).compilerNode;
        declaredName = declaration.getName();
    }
    else
    {
        reportNotAFunction(declaration, subject, listed, context);
        return undefined;
    }

    const nameNode = fn.name ?? fn;
    const location = locationOf(nameNode, context.paths);
    const isAsync = fn.modifiers?.some(modifier => modifier.kind === ts.SyntaxKind.AsyncKeyword) ?? false;
    if (!isAsync)
    {
        diagnostics.error(location, Codes.NotAsync, `Segmented procedure ${subject} (segment '${first.segment}') must be async: declare it 'async function ${declaredName ?? ''}(...)'`);
        return undefined;
    }
    if (fn.asteriskToken !== undefined)
    {
        diagnostics.error(location, Codes.NotAFunction, `Segmented procedure ${subject} is an async generator; a procedure returns one value`);
        return undefined;
    }

    const fqn = fullyQualifiedName(listed.module.module, listed.exportName, declaredName, first.as);
    const parameterProblems: ParameterProblem[] = [];
    const parameters = describeParameters(fn, context.checker, context.schemas, parameterProblems);
    for (const problem of parameterProblems)
    {
        report(locationOf(problem.node, context.paths), `Parameter '${problem.wireName}' of procedure '${fqn}'`, problem.wireName, problem, diagnostics);
    }

    const resultProblems: SchemaProblem[] = [];
    const result = context.schemas.generate(awaitedResult(fn, context.checker), resultProblems);
    for (const problem of resultProblems)
    {
        report(locationOf(fn.type ?? nameNode, context.paths), `The result of procedure '${fqn}'`, 'result', problem, diagnostics);
    }

    return {
        fqn,
        version: first.version ?? DEFAULT_VERSION,
        access: first.access ?? DEFAULT_ACCESS,
        segments: listed.entries.map(entry => entry.segment).sort(),
        module: listed.module.module,
        file: listed.module.file,
        exportName: listed.exportName,
        parameters,
        result,
        position: { line: location.line, column: location.column }
    };
}

function awaitedResult(fn: ts.SignatureDeclaration, checker: ts.TypeChecker): ts.Type
{
    const signature = checker.getSignatureFromDeclaration(fn);
    const returned = signature === undefined ? checker.getAnyType() : checker.getReturnTypeOfSignature(signature);
    return checker.getAwaitedType(returned) ?? returned;
}

function report(location: SourceLocation, subject: string, root: string, problem: SchemaProblem, diagnostics: DiagnosticBag): void
{
    const where = problem.path === '' ? '' : ` (at '${root}${problem.path}')`;
    const message = `${subject}${where}: ${problem.message}`;
    if (problem.severity === 'warning') diagnostics.warning(location, Codes.NotSerializable, message);
    else diagnostics.error(location, problem.unregisteredClass === true ? Codes.UnregisteredClass : Codes.NotSerializable, message);
}

function reportNotAFunction(declaration: ExportedDeclarations, subject: string, listed: ListedExport, context: AnalysisContext): void
{
    const name = ts.getNameOfDeclaration(declaration.compilerNode as ts.Declaration);
    const location = locationOf(name ?? declaration.compilerNode, context.paths);
    const initializer = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : undefined;

    if (initializer !== undefined && Node.isArrowFunction(initializer))
    {
        const suggested = listed.exportName === 'default' ? 'name' : listed.exportName;
        context.diagnostics.error(location, Codes.ArrowFunction,
            `Segmented procedure ${subject} is an arrow function; declare it as 'export async function ${suggested}(...)'`);
        return;
    }
    context.diagnostics.error(location, Codes.NotAFunction, `${subject} is ${describeDeclaration(declaration)}, not an async function or a class`);
}

function describeDeclaration(declaration: ExportedDeclarations): string
{
    if (Node.isInterfaceDeclaration(declaration)) return 'an interface';
    if (Node.isTypeAliasDeclaration(declaration)) return 'a type alias';
    if (Node.isEnumDeclaration(declaration)) return 'an enum';
    if (Node.isModuleDeclaration(declaration)) return 'a namespace';
    return 'a value';
}
