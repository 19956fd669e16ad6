import { ts } from '#ts-morph';

/** The function an export of a file is: a function declaration, or a variable holding a function expression. */
export function implementationOf(sourceFile: ts.SourceFile, exportName: string, checker: ts.TypeChecker): ts.FunctionLikeDeclaration | undefined
{
    const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
    const exported = moduleSymbol === undefined ? undefined : checker.getExportsOfModule(moduleSymbol).find(symbol => symbol.name === exportName);
    if (exported === undefined) return undefined;
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const declaration of target.declarations ?? [])
    {
        if (ts.isFunctionDeclaration(declaration)) return declaration;
        if (ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined
            && (ts.isFunctionExpression(declaration.initializer) || ts.isArrowFunction(declaration.initializer))) return declaration.initializer;
    }
    return undefined;
}
