import { ts } from '#ts-morph';

/**
 * What the manifest can see of one source file: its declaration output (every exported type and
 * signature, return types inferred from bodies included) and its text with the bodies of functions left
 * out (the syntax the declarations drop: `async`, parameter and binding defaults, the export forms).
 * When neither changed, an edit touched function bodies only, and the manifest stays what it was, but
 * for the positions of the declarations below the edit.
 */
export function sourceSurface(program: ts.Program, sourceFile: ts.SourceFile): string
{
    return `${declarationText(program, sourceFile)}\n//--\n${withoutBodies(sourceFile)}`;
}

/**
 * `Program.emit` takes a sixth argument that its typings leave out: force the declarations even when
 * the options do not ask for them. TypeScript's own builder computes a file's signature with it, and the
 * language service's getEmitOutput passes it on; calling it on the program we already hold avoids the
 * second program (and type checker) that a language service would build.
 */
type EmitWithForcedDeclarations = (targetSourceFile: ts.SourceFile, writeFile: ts.WriteFileCallback, cancellationToken: undefined,
    emitOnlyDts: true, customTransformers: undefined, forceDtsEmit: true) => ts.EmitResult;

function declarationText(program: ts.Program, sourceFile: ts.SourceFile): string
{
    let text = '';
    const emit = program.emit.bind(program) as unknown as EmitWithForcedDeclarations;
    emit(sourceFile, (fileName, data) => { if (/\.d\.[cm]?ts$/.test(fileName)) text += data; }, undefined, true, undefined, true);
    return text;
}

/** The file's text with each function body (and class static block) replaced by `{}`. */
function withoutBodies(sourceFile: ts.SourceFile): string
{
    const text = sourceFile.text;
    const parts: string[] = [];
    let from = 0;
    const visit = (node: ts.Node): void =>
    {
        const body = bodyOf(node);
        if (body !== undefined)
        {
            // Parameters (and their defaults) come before the body: walk them, then skip the body.
            for (const child of node.getChildren(sourceFile)) if (child !== body) visit(child);
            parts.push(text.slice(from, body.getStart(sourceFile)), '{}');
            from = body.getEnd();
            return;
        }
        ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    parts.push(text.slice(from));
    return parts.join('');
}

function bodyOf(node: ts.Node): ts.Node | undefined
{
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) return node.body as ts.Node;
    if (ts.isClassStaticBlockDeclaration(node)) return node.body;
    return undefined;
}
