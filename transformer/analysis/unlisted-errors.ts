import { Node, SyntaxKind, type ClassDeclaration, type Project, type Type } from '#ts-morph';

import type { Manifest } from '../../runtime/manifest.js';
import { ERROR_TYPES } from '../../runtime/serialization/builtins.js';
import { isInside, portableRelative, type DisplayPaths } from '../config/display-paths.js';
import { Codes, type DiagnosticBag } from '../diagnostics.js';

/**
 * Which of the app's error classes should be listed in a segment file, and which should move, so that a
 * thrown one arrives in a caller of another segment (a worker, a page) as itself:
 * - one the app throws (`new` of it in its sources) that no segment lists reaches callers as its nearest
 *   registered parent: a warning at the class, saying what to list;
 * - one listed, but declared in a module that holds procedures, cannot be loaded by other segments (it
 *   would bring that code along): they rebuild a stand-in of the same name; a warning says to move it.
 */
export function checkErrorClasses(project: Project, manifest: Manifest, sourceRoot: string, paths: DisplayPaths, diagnostics: DiagnosticBag): void
{
    if (manifest.segments.length === 0) return;
    const registered = new Set(manifest.classes.map(item => `${item.file}:${item.position.line}`));
    const reported = new Set<ClassDeclaration>();

    for (const sourceFile of project.getSourceFiles())
    {
        if (sourceFile.isDeclarationFile() || !isInside(sourceRoot, sourceFile.getFilePath())) continue;
        for (const created of sourceFile.getDescendantsOfKind(SyntaxKind.NewExpression))
        {
            const declaration = created.getExpression().getSymbol()?.getAliasedSymbol()?.getDeclarations()[0] ?? created.getExpression().getSymbol()?.getDeclarations()[0];
            if (declaration === undefined || !Node.isClassDeclaration(declaration) || reported.has(declaration)) continue;
            const file = declaration.getSourceFile().getFilePath();
            if (!isInside(sourceRoot, file) || !isErrorType(declaration.getType())) continue;
            const { line, column } = declaration.getSourceFile().getLineAndColumnAtPos((declaration.getNameNode() ?? declaration).getStart());
            if (registered.has(`${portableRelative(sourceRoot, file)}:${line}`)) continue;
            reported.add(declaration);
            const name = declaration.getName() ?? 'default';
            const module = `./${portableRelative(sourceRoot, file).replace(/\.[cm]?tsx?$/, '')}`;
            const exported = declaration.isExported() ? '' : 'export it and ';
            diagnostics.warning({ file: paths.display(file), line, column }, Codes.UnlistedErrorClass,
                `Error class '${name}' is thrown, but no segment lists it: a caller in another segment (a worker, a page) receives it as its nearest listed parent class, with that class's status. To have it arrive as itself, ${exported}list it in a segment file: { "${module}": { "${declaration.isDefaultExport() ? 'default' : name}": {} } }`);
        }
    }

    for (const item of manifest.classes)
    {
        if (item.status === undefined) continue;
        // The segments that hold the module: those listing one of its procedures (as SegmentMap decides).
        const holders = new Set(manifest.procedures.filter(procedure => procedure.module === item.module).flatMap(procedure => procedure.segments));
        const others = manifest.segments.filter(segment => !holders.has(segment.name)).map(segment => `'${segment.name}'`);
        if (holders.size === 0 || others.length === 0) continue;
        diagnostics.warning({ file: paths.display(`${sourceRoot}/${item.file}`), line: item.position.line, column: item.position.column }, Codes.ErrorClassInHeldModule,
            `Error class '${item.key}' is declared in a module that holds procedures of ${[...holders].map(segment => `'${segment}'`).join(', ')}: segments ${others.join(', ')} cannot load it without that code, and rebuild a stand-in of the same name and status instead (instanceof works for its parent only). Move the class to a module of its own to have it arrive as itself everywhere`);
    }
}

/** Whether instances of a type are errors: `Error`, or one of jitar's error classes, is among its bases. */
function isErrorType(type: Type, seen = new Set<Type>()): boolean
{
    if (seen.has(type)) return false;
    seen.add(type);
    const name = type.getSymbol()?.getName();
    if (name === 'Error' || (name !== undefined && ERROR_TYPES.has(name) && isFromLibraryOrJitar(type))) return true;
    return type.getBaseTypes().some(base => isErrorType(base, seen));
}

function isFromLibraryOrJitar(type: Type): boolean
{
    const file = type.getSymbol()?.getDeclarations()[0]?.getSourceFile();
    return file === undefined || file.isDeclarationFile() || file.isFromExternalLibrary() || /[\\/]runtime[\\/]errors\.ts$/.test(file.getFilePath());
}
