import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';

/**
 * The IDE promise: jitar swaps imports of procedures of another segment for RPC proxies in the emitted
 * JavaScript only, so an editor opened on the TypeScript sources keeps seeing the real functions. These
 * tests run the TypeScript language service (what editors use) over the `split` fixture app and ask it
 * about real cross-segment call sites.
 */

const APP = fileURLToPath(new URL('../fixtures/apps/split/', import.meta.url));
const SRC = join(APP, 'src');

const CHECKOUT = join(SRC, 'web', 'checkout.ts');
const PLACE_ORDER = join(SRC, 'order', 'placeOrder.ts');
const CREATE_ACCOUNT = join(SRC, 'account', 'createAccount.ts');

/** The fixture's own compiler options and root files, read as an editor would from its tsconfig.json. */
function readProject(): ts.ParsedCommandLine
{
    const configPath = join(APP, 'tsconfig.json');
    const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
    if (error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath), undefined, configPath);
    if (parsed.errors.length > 0)
    {
        throw new Error(parsed.errors.map(diagnostic => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')).join('\n'));
    }
    return parsed;
}

/** A language service over the real files on disk; nothing is edited, so every file stays at version 0. */
function createLanguageService(project: ts.ParsedCommandLine): ts.LanguageService
{
    const host: ts.LanguageServiceHost = {
        getCompilationSettings: () => project.options,
        getScriptFileNames: () => project.fileNames,
        getScriptVersion: () => '0',
        getScriptSnapshot: fileName =>
        {
            if (!existsSync(fileName) || statSync(fileName).isDirectory()) return undefined;
            return ts.ScriptSnapshot.fromString(readFileSync(fileName, 'utf8'));
        },
        getCurrentDirectory: () => APP,
        getDefaultLibFileName: options => ts.getDefaultLibFilePath(options),
        fileExists: ts.sys.fileExists,
        readFile: ts.sys.readFile,
        readDirectory: ts.sys.readDirectory,
        directoryExists: ts.sys.directoryExists,
        getDirectories: ts.sys.getDirectories,
        realpath: ts.sys.realpath
    };
    return ts.createLanguageService(host, ts.createDocumentRegistry());
}

const project = readProject();
const service = createLanguageService(project);

const text = (fileName: string): string => readFileSync(fileName, 'utf8');
const display = (parts: ts.SymbolDisplayPart[] | undefined): string => ts.displayPartsToString(parts);

/** The offset of the one occurrence of `snippet` in `fileName` (plus `offset` into it); fails on none or several. */
function positionOf(fileName: string, snippet: string, offset = 0): number
{
    const source = text(fileName);
    const first = source.indexOf(snippet);
    if (first < 0) throw new Error(`'${snippet}' does not occur in ${fileName}`);
    if (source.indexOf(snippet, first + 1) >= 0) throw new Error(`'${snippet}' occurs more than once in ${fileName}`);
    return first + offset;
}

describe('the language service over an app split into segments (the IDE promise)', () =>
{
    it('finds the fixture sources in the project', () =>
    {
        const files = project.fileNames.map(fileName => relative(APP, fileName).split(sep).join('/')).sort();
        expect(files).toEqual([
            'src/account/Account.ts',
            'src/account/audit.ts',
            'src/account/createAccount.ts',
            'src/account/getBalance.ts',
            'src/notify/sendMail.ts',
            'src/order/OrderError.ts',
            'src/order/cancelOrder.ts',
            'src/order/index.ts',
            'src/order/placeOrder.ts',
            'src/shared/clock.ts',
            'src/shared/format.ts',
            'src/web/checkout.ts',
            'src/web/summary.ts'
        ]);
    });

    it('shows the real signature of a renamed re-export of a procedure of another segment in quick info', () =>
    {
        const position = positionOf(CHECKOUT, 'await submitOrder(owner, amount)', 'await '.length);
        const info = service.getQuickInfoAtPosition(CHECKOUT, position);

        expect(info).toBeDefined();
        expect(display(info?.displayParts)).toBe('(alias) submitOrder(owner: string, amount: number): Promise<string>\nimport submitOrder');
        expect(info?.kind).toBe(ts.ScriptElementKind.alias);
    });

    it('gives signature help with the nested destructured parameter and the rest parameter', () =>
    {
        const position = positionOf(CHECKOUT, 'cancelOrder({ order', 'cancelOrder('.length);
        const help = service.getSignatureHelpItems(CHECKOUT, position, undefined);

        expect(help).toBeDefined();
        expect(help?.items).toHaveLength(1);
        expect(help?.argumentIndex).toBe(0);
        const [item] = help!.items;

        expect(display(item.prefixDisplayParts)).toBe('cancelOrder(');
        expect(display(item.suffixDisplayParts)).toBe('): Promise<string>');
        expect(item.isVariadic).toBe(true);
        expect(item.parameters.map(parameter => parameter.name)).toEqual(['__0', 'notes']);
        expect(item.parameters.map(parameter => display(parameter.displayParts))).toEqual([
            '{ order: { id, reason: why } }: { order: { id: number; reason?: string; }; }',
            '...notes: string[]'
        ]);
        expect(display(item.parameters[0].displayParts)).toContain('id: number');
    });

    it('completes the procedure of another segment after a namespace import, with its real signature', () =>
    {
        const position = positionOf(CHECKOUT, 'accounts.getBalance', 'accounts.'.length);
        const completions = service.getCompletionsAtPosition(CHECKOUT, position, undefined);

        expect(completions).toBeDefined();
        expect(completions?.isMemberCompletion).toBe(true);
        const entry = completions?.entries.find(candidate => candidate.name === 'getBalance');
        expect(entry).toBeDefined();
        expect(entry?.kind).toBe(ts.ScriptElementKind.functionElement);

        const details = service.getCompletionEntryDetails(CHECKOUT, position, 'getBalance', undefined, entry?.source, undefined, entry?.data);
        expect(display(details?.displayParts)).toBe('function getBalance(account: Account, ...extras: number[]): Promise<number>');

        const info = service.getQuickInfoAtPosition(CHECKOUT, position);
        expect(display(info?.displayParts)).toBe('function getBalance(account: Account, ...extras: number[]): Promise<number>');
    });

    it('goes to the real definition of a procedure of another segment, not to a generated proxy', () =>
    {
        const position = positionOf(PLACE_ORDER, 'await createAccount({ owner })', 'await '.length);
        const definitions = service.getDefinitionAtPosition(PLACE_ORDER, position);

        expect(definitions).toBeDefined();
        expect(definitions!.map(definition => definition.fileName)).toEqual([CREATE_ACCOUNT.split(sep).join('/')]);
        const [definition] = definitions!;
        expect(definition.name).toBe('createAccount');
        expect(definition.kind).toBe(ts.ScriptElementKind.functionElement);
        const source = text(CREATE_ACCOUNT);
        expect(source.slice(definition.textSpan.start, definition.textSpan.start + definition.textSpan.length)).toBe('createAccount');
        expect(definition.textSpan.start).toBe(source.indexOf('export async function createAccount(') + 'export async function '.length);
    });

    it('reports no syntactic, semantic or option diagnostics in any source file of the app', () =>
    {
        const describeDiagnostic = (diagnostic: ts.Diagnostic): string =>
            `${diagnostic.file === undefined ? '' : relative(APP, diagnostic.file.fileName) + ': '}TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;

        expect(project.fileNames.length).toBeGreaterThan(0);
        const found = [
            ...service.getCompilerOptionsDiagnostics(),
            ...project.fileNames.flatMap(fileName => [
                ...service.getSyntacticDiagnostics(fileName),
                ...service.getSemanticDiagnostics(fileName)
            ])
        ].map(describeDiagnostic);
        expect(found).toEqual([]);
    });
});
