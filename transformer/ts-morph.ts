import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type * as TsMorph from 'ts-morph';

import { requireWithCodeCache } from './code-cache.js';

/**
 * ts-morph, as the compiler's modules import it: `#ts-morph` (package.json `imports`) is this module at
 * run time and the ts-morph package for types. ts-morph is CommonJS; an ES module importing it by name
 * makes Node lex its 1 MB for export names first, which took ~90 ms of every build (bench/startup); a
 * require skips that, and compiles its big files from V8's code cache (code-cache.ts). Every value the
 * compiler takes from ts-morph is listed here.
 */
const tsMorph = requireWithCodeCache<typeof TsMorph>('ts-morph', tsMorphFile =>
{
    const common = createRequire(tsMorphFile).resolve('@ts-morph/common');
    return [join(dirname(common), 'typescript.js'), common, tsMorphFile];
});

export const { FileSystemRefreshResult, Node, Project, SyntaxKind, ts } = tsMorph;
