import { ts } from '#ts-morph';

import type { SourceLocation } from '../../runtime/manifest.js';
import { Codes, type DiagnosticBag } from '../diagnostics.js';

/**
 * JSON read with positions, so that a configuration mistake is reported at its line and column.
 * TypeScript's own JSON parser gives the positions; no other parser is needed.
 */
export type JsonNode =
    | { kind: 'object'; entries: JsonEntry[]; location: SourceLocation }
    | { kind: 'array'; items: JsonNode[]; location: SourceLocation }
    | { kind: 'string'; value: string; location: SourceLocation }
    | { kind: 'number'; value: number; location: SourceLocation }
    | { kind: 'boolean'; value: boolean; location: SourceLocation }
    | { kind: 'null'; location: SourceLocation };

export interface JsonEntry
{
    key: string;
    location: SourceLocation;
    value: JsonNode;
}

export function describeJsonKind(node: JsonNode): string
{
    return node.kind === 'array' ? 'an array' : node.kind === 'object' ? 'an object' : node.kind === 'null' ? 'null' : `a ${node.kind}`;
}

/** Parses `text`; reports syntax errors at their position and returns undefined when there are any. */
export function parseJsonDocument(text: string, displayName: string, diagnostics: DiagnosticBag): JsonNode | undefined
{
    const source = ts.parseJsonText(displayName, text);
    const locate = (position: number): SourceLocation =>
    {
        const { line, character } = source.getLineAndCharacterOfPosition(position);
        return { file: displayName, line: line + 1, column: character + 1 };
    };

    const syntaxErrors = readParseDiagnostics(source);
    if (syntaxErrors.length > 0)
    {
        for (const error of syntaxErrors)
        {
            diagnostics.error(locate(error.start ?? 0), Codes.InvalidJson, `Invalid JSON: ${ts.flattenDiagnosticMessageText(error.messageText, ' ')}`);
        }
        return undefined;
    }

    // TypeScript's parser also takes JSONC (comments, single quotes); Jitar's files are read as strict JSON.
    const nonJson = findNonJsonTokens(text);
    if (nonJson.length > 0)
    {
        for (const { position, message } of nonJson) diagnostics.error(locate(position), Codes.InvalidJson, `Invalid JSON: ${message}`);
        return undefined;
    }

    const statement = source.statements[0];
    if (statement === undefined)
    {
        diagnostics.error(locate(0), Codes.InvalidJson, 'Invalid JSON: the file is empty');
        return undefined;
    }

    return convert(statement.expression, source, locate, diagnostics);
}

function findNonJsonTokens(text: string): { position: number; message: string }[]
{
    const found: { position: number; message: string }[] = [];
    const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
    for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan())
    {
        const position = scanner.getTokenStart();
        if (token === ts.SyntaxKind.SingleLineCommentTrivia || token === ts.SyntaxKind.MultiLineCommentTrivia) found.push({ position, message: 'comments are not allowed' });
        else if (token === ts.SyntaxKind.StringLiteral && text[position] !== '"') found.push({ position, message: 'strings must be double-quoted' });
        else if (token === ts.SyntaxKind.NumericLiteral && !JSON_NUMBER.test(scanner.getTokenText())) found.push({ position, message: `'${scanner.getTokenText()}' is not a JSON number` });
    }
    return found;
}

const JSON_NUMBER = /^(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function readParseDiagnostics(source: ts.JsonSourceFile): readonly ts.Diagnostic[]
{
    // Not in the public typings, but part of every JsonSourceFile that parseJsonText returns.
    const withDiagnostics = source as ts.JsonSourceFile & { parseDiagnostics?: readonly ts.Diagnostic[] };
    return withDiagnostics.parseDiagnostics ?? [];
}

function convert(node: ts.Expression, source: ts.JsonSourceFile, locate: (position: number) => SourceLocation, diagnostics: DiagnosticBag): JsonNode | undefined
{
    const location = locate(node.getStart(source));

    if (ts.isObjectLiteralExpression(node))
    {
        if (node.properties.hasTrailingComma) return trailingComma(node.properties, source, locate, diagnostics);
        const entries: JsonEntry[] = [];
        for (const property of node.properties)
        {
            if (!ts.isPropertyAssignment(property) || !ts.isStringLiteral(property.name))
            {
                diagnostics.error(locate(property.getStart(source)), Codes.InvalidJson, 'Invalid JSON: property names must be double-quoted strings');
                return undefined;
            }
            const value = convert(property.initializer, source, locate, diagnostics);
            if (value === undefined) return undefined;
            entries.push({ key: property.name.text, location: locate(property.name.getStart(source)), value });
        }
        return { kind: 'object', entries, location };
    }
    if (ts.isArrayLiteralExpression(node))
    {
        if (node.elements.hasTrailingComma) return trailingComma(node.elements, source, locate, diagnostics);
        const items: JsonNode[] = [];
        for (const element of node.elements)
        {
            const value = convert(element, source, locate, diagnostics);
            if (value === undefined) return undefined;
            items.push(value);
        }
        return { kind: 'array', items, location };
    }
    if (ts.isStringLiteral(node)) return { kind: 'string', value: node.text, location };
    if (ts.isNumericLiteral(node)) return { kind: 'number', value: Number(node.text), location };
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand))
    {
        return { kind: 'number', value: -Number(node.operand.text), location };
    }
    if (node.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'boolean', value: true, location };
    if (node.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'boolean', value: false, location };
    if (node.kind === ts.SyntaxKind.NullKeyword) return { kind: 'null', location };

    diagnostics.error(location, Codes.InvalidJson, `Invalid JSON: unexpected '${node.getText(source)}'`);
    return undefined;
}

function trailingComma(nodes: ts.NodeArray<ts.Node>, source: ts.JsonSourceFile, locate: (position: number) => SourceLocation, diagnostics: DiagnosticBag): undefined
{
    const comma = source.text.indexOf(',', nodes[nodes.length - 1].end);
    diagnostics.error(locate(comma), Codes.InvalidJson, 'Invalid JSON: trailing comma');
    return undefined;
}

/** The plain value of a node, for a schema check. */
export function jsonValue(node: JsonNode): unknown
{
    switch (node.kind)
    {
        case 'object': return Object.fromEntries(node.entries.map(entry => [entry.key, jsonValue(entry.value)]));
        case 'array': return node.items.map(jsonValue);
        case 'null': return null;
        default: return node.value;
    }
}

/** The node a JSON pointer (`/a~1b/0`, as Ajv reports) names, with the entry holding it; undefined when it is not there. */
export function nodeAt(document: JsonNode, pointer: string): { node: JsonNode; entry?: JsonEntry } | undefined
{
    let found: { node: JsonNode; entry?: JsonEntry } = { node: document };
    for (const part of pointer === '' ? [] : pointer.split('/').slice(1))
    {
        const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
        const { node } = found;
        if (node.kind === 'object')
        {
            const entry = node.entries.find(candidate => candidate.key === key);
            if (entry === undefined) return undefined;
            found = { node: entry.value, entry };
        }
        else if (node.kind === 'array' && node.items[Number(key)] !== undefined) found = { node: node.items[Number(key)] };
        else return undefined;
    }
    return found;
}
