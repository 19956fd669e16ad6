import type * as ts from 'typescript';

import type { ImportPlanner } from './import-planner.js';
import type { TypeScriptApi } from './typescript-api.js';

/**
 * The transformer: in emitted JavaScript, every specifier that leads to an app module is rewritten as the
 * planner says (proxies, or the emitted file with its extension). Only specifiers change, so import
 * elision, source maps and declarations work as they always do.
 */
export function createImportRewriter(typescript: TypeScriptApi, planner: ImportPlanner): ts.TransformerFactory<ts.SourceFile>
{
    return context =>
    {
        const { factory } = context;

        return sourceFile =>
        {
            if (planner.appFile(sourceFile.fileName) === undefined) return sourceFile;
            const rewrite = (specifier: ts.Expression): ts.StringLiteral | undefined =>
            {
                const plan = planner.plan(sourceFile, specifier);
                return plan === undefined ? undefined : factory.createStringLiteral(plan.text);
            };
            // Dynamic imports can sit anywhere; the other statements need no walk unless the file has one.
            const hasDynamicImport = sourceFile.text.includes('import(');

            const visit = (node: ts.Node): ts.Node =>
            {
                if (typescript.isImportDeclaration(node))
                {
                    const specifier = rewrite(node.moduleSpecifier);
                    return specifier === undefined ? node : factory.updateImportDeclaration(node, node.modifiers, node.importClause, specifier, node.attributes);
                }
                if (typescript.isExportDeclaration(node) && node.moduleSpecifier !== undefined)
                {
                    const specifier = rewrite(node.moduleSpecifier);
                    return specifier === undefined ? node : factory.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, specifier, node.attributes);
                }
                if (typescript.isCallExpression(node) && node.expression.kind === typescript.SyntaxKind.ImportKeyword && node.arguments.length > 0)
                {
                    const specifier = rewrite(node.arguments[0]);
                    if (specifier !== undefined) return factory.updateCallExpression(node, node.expression, node.typeArguments, [specifier, ...node.arguments.slice(1)]);
                }
                return hasDynamicImport ? typescript.visitEachChild(node, visit, context) : node;
            };

            return typescript.visitEachChild(sourceFile, visit, context);
        };
    };
}
