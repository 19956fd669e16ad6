import type { ts } from 'ts-morph';

import type { SourceLocation } from '../../runtime/manifest.js';
import type { DisplayPaths } from '../config/display-paths.js';

/** Where a node starts, as diagnostics show it (1-based, like tsc). */
export function locationOf(node: ts.Node, paths: DisplayPaths): SourceLocation
{
    const sourceFile = node.getSourceFile();
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    return { file: paths.display(sourceFile.fileName), line: line + 1, column: character + 1 };
}
