import { Node, type Project } from '#ts-morph';

import type { Manifest, Position } from '../../runtime/manifest.js';

/**
 * The manifest with the positions of the procedures and classes declared in `files` (relative to the
 * source root, as the manifest names them) read again from the project: an edit of a body above them
 * moves them, and the OpenAPI document and diagnostics quote them. Undefined when none moved.
 */
export function withPositionsOf(manifest: Manifest, files: ReadonlySet<string>, project: Project, sourceRoot: string): Manifest | undefined
{
    let moved = false;
    const positionIn = <T extends { file: string; exportName: string; position: Position }>(item: T): T =>
    {
        if (!files.has(item.file)) return item;
        const position = declaredAt(project, `${sourceRoot}/${item.file}`, item.exportName);
        if (position === undefined || (position.line === item.position.line && position.column === item.position.column)) return item;
        moved = true;
        return { ...item, position };
    };
    const procedures = manifest.procedures.map(positionIn);
    const classes = manifest.classes.map(positionIn);
    return moved ? { ...manifest, procedures, classes } : undefined;
}

/** Where the analysis places an export: the name of its function or class (the function itself when it has none). */
function declaredAt(project: Project, path: string, exportName: string): Position | undefined
{
    const declarations = project.getSourceFile(path)?.getExportedDeclarations().get(exportName);
    if (declarations === undefined || declarations.length === 0) return undefined;
    const declaration = declarations.find(candidate => !Node.isFunctionDeclaration(candidate) || candidate.hasBody()) ?? declarations[0];
    let node: Node = declaration;
    if (Node.isFunctionDeclaration(declaration) || Node.isClassDeclaration(declaration)) node = declaration.getNameNode() ?? declaration;
    else if (Node.isVariableDeclaration(declaration))
    {
        const initializer = declaration.getInitializer();
        if (Node.isFunctionExpression(initializer)) node = initializer.getNameNode() ?? initializer;
    }
    const sourceFile = node.getSourceFile();
    const { line, column } = sourceFile.getLineAndColumnAtPos(node.getStart());
    return { line, column };
}
