import type * as ts from 'typescript';

/**
 * The parts of TypeScript's API that the import rewriting uses. They are passed in rather than imported:
 * jitar-compile passes the compiler it carries (through ts-morph), tspc the app's own.
 */
export type TypeScriptApi = Pick<typeof ts,
    'isStringLiteralLike' | 'isSourceFile' | 'isImportDeclaration' | 'isExportDeclaration' | 'isCallExpression' | 'visitEachChild' | 'SyntaxKind'>;
