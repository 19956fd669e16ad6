import type { ParseErrorCode, printParseErrorCode as PrintParseErrorCode, visit as Visit } from 'jsonc-parser';

import { loadOnUse } from '../load-on-use.js';

/** Loaded only for text that JSON.parse refused: a file that parses needs none of it. */
const jsoncParser = (): { printParseErrorCode: typeof PrintParseErrorCode; visit: typeof Visit } => loadOnUse('jsonc-parser') as typeof import('jsonc-parser');

/** Where strict JSON text goes wrong first: line and column from 1, and what is wrong, in our words. */
export interface JsonSyntaxError
{
    readonly line: number;
    readonly column: number;
    readonly message: string;
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

/**
 * Parses a configuration file's text as strict JSON (a byte order mark is allowed). JSON.parse reads it;
 * when it fails, jsonc-parser, which reports every error with its offset, line and column, finds the first
 * one, and the message says what was expected and found there.
 */
export function parseJsonText(text: string): JsonParse
{
    const content = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    try
    {
        return { ok: true, value: JSON.parse(content) as unknown };
    }
    catch (error)
    {
        return { ok: false, error: locateSyntaxError(content) ?? { line: 1, column: 1, message: (error as Error).message } };
    }
}

function locateSyntaxError(text: string): JsonSyntaxError | undefined
{
    // What is open at each point: an object or an array, for "expected ',' or '}'" and the like.
    const open: ('object' | 'array')[] = [];
    let first: JsonSyntaxError | undefined;
    jsoncParser().visit(text, {
        onObjectBegin: () => { open.push('object'); },
        onObjectEnd: () => { open.pop(); },
        onArrayBegin: () => { open.push('array'); },
        onArrayEnd: () => { open.pop(); },
        onError: (code, offset, _length, line, character) =>
        {
            first ??= { line: line + 1, column: character + 1, message: describe(code, text, offset, open[open.length - 1]) };
        }
    }, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    return first;
}

function describe(code: ParseErrorCode, text: string, offset: number, inside: 'object' | 'array' | undefined): string
{
    const found = offset >= text.length ? 'the end of the file' : `'${text[offset]}'`;
    const before = text.slice(0, offset).trimEnd();
    const close = inside === 'array' ? ']' : '}';
    // Where a property name is due: after '{', or after ',' inside an object.
    const nameDue = inside === 'object' && (before.endsWith('{') || before.endsWith(','));
    const kind = jsoncParser().printParseErrorCode(code);
    switch (kind)
    {
        case 'PropertyNameExpected':
        case 'ValueExpected':
        case 'InvalidSymbol':
        case 'InvalidCommentToken':
            if (before.endsWith(',') && (text[offset] === '}' || text[offset] === ']')) return 'trailing comma';
            return nameDue || kind === 'PropertyNameExpected' ? `expected a property name in double quotes, found ${found}` : `expected a value, found ${found}`;
        case 'CommaExpected':
        case 'CloseBraceExpected':
        case 'CloseBracketExpected':
            return `expected ',' or '${close}', found ${found}`;
        case 'ColonExpected':
            return `expected ':' after the property name, found ${found}`;
        case 'EndOfFileExpected':
            return `unexpected ${found} after the end of the JSON value`;
        case 'UnexpectedEndOfString':
            return 'unterminated string';
        case 'InvalidEscapeCharacter':
            return `invalid escape '${text.slice(offset, offset + 2)}'`;
        case 'InvalidUnicode':
            return 'invalid \\u escape';
        case 'InvalidCharacter':
            return 'control character inside a string';
        case 'InvalidNumberFormat':
        case 'UnexpectedEndOfNumber':
            return `invalid number at ${found}`;
        default:
            return `unexpected ${found}`;
    }
}
