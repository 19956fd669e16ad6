import type { Project } from 'ts-morph';

import { Codes, type DiagnosticBag } from '../diagnostics.js';
import type { DisplayPaths } from './display-paths.js';

/**
 * A file that `build.ignore` leaves out is not in the build, so a module of the build that imports it
 * would fail when it loads: that import is an error at its line, not a module missing at run time.
 */
export function checkIgnoredImports(project: Project, isIgnored: (file: string) => boolean, paths: DisplayPaths, diagnostics: DiagnosticBag): void
{
    for (const sourceFile of project.getSourceFiles())
    {
        const importer = sourceFile.getFilePath();
        if (sourceFile.isDeclarationFile() || isIgnored(importer)) continue;
        for (const declaration of [...sourceFile.getImportDeclarations(), ...sourceFile.getExportDeclarations()])
        {
            if (declaration.isTypeOnly()) continue;
            const imported = declaration.getModuleSpecifierSourceFile();
            if (imported === undefined || !isIgnored(imported.getFilePath())) continue;
            const { line, column } = sourceFile.getLineAndColumnAtPos(declaration.getStart());
            diagnostics.error({ file: paths.display(importer), line, column }, Codes.IgnoredModule,
                `'${declaration.getModuleSpecifierValue()}' is left out of the build by 'build.ignore' in jitar.json, so this module could not load it; take the file out of 'build.ignore' or import it only from ignored files`);
        }
    }
}
