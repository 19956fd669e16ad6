import { ts, type Project } from '#ts-morph';

import { moduleOf } from '../analysis/modules.js';
import type { ImportPlanner } from '../emit/import-planner.js';

/** One source file of the app with its module name (`shared/counter`). */
export interface AppFile
{
    module: string;
    sourceFile: ts.SourceFile;
}

/** The app's own source files: those in the source root, declarations left out. */
export function appFiles(project: Project, planner: ImportPlanner): AppFile[]
{
    return project.getSourceFiles().flatMap(wrapped =>
    {
        const file = planner.appFile(wrapped.getFilePath());
        return file === undefined ? [] : [{ module: moduleOf(file), sourceFile: wrapped.compilerNode }];
    });
}

/** The specifiers of the imports and re-exports of a file that load code (type-only ones load nothing). */
export function valueImportSpecifiers(sourceFile: ts.SourceFile): ts.Expression[]
{
    const specifiers: ts.Expression[] = [];
    for (const statement of sourceFile.statements)
    {
        if (ts.isImportDeclaration(statement))
        {
            const clause = statement.importClause;
            if (clause?.isTypeOnly === true) continue;
            const bindings = clause?.namedBindings;
            const onlyTypes = clause !== undefined && clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings)
                && bindings.elements.length > 0 && bindings.elements.every(element => element.isTypeOnly);
            if (!onlyTypes) specifiers.push(statement.moduleSpecifier);
        }
        else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined && !statement.isTypeOnly)
        {
            specifiers.push(statement.moduleSpecifier);
        }
    }
    return specifiers;
}
