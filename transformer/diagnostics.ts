import type { SourceLocation } from '../runtime/manifest.js';

export type Severity = 'error' | 'warning';

/** Every diagnostic jitar-compile and the tspc plugin can report, with its code: one table, so codes never collide or drift. */
export const Codes = {
    // configuration
    InvalidJson: 1001,
    InvalidConfigShape: 1002,
    UnknownKey: 1003,
    InvalidAccess: 1004,
    InvalidVersion: 1005,
    ModuleNotFound: 1006,
    ExportNotFound: 1007,
    SourceFolderNotFound: 1008,
    NoSegments: 1009,
    EmptySegment: 1010,
    InvalidAlias: 1011,
    ConfigNotFound: 1012,
    TsconfigProblem: 1013,
    SourceNotCompiledOutput: 1014,
    IgnoredModule: 1015,
    FolderNotFound: 1016,
    // procedures and classes
    NotAsync: 2001,
    ArrowFunction: 2002,
    NotAFunction: 2003,
    ConflictingSettings: 2004,
    DuplicateImplementation: 2005,
    ClassSettingIgnored: 2006,
    UnsupportedParameter: 2007,
    ClassNotRebuildable: 2008,
    Overloaded: 2009,
    // types on the wire
    NotSerializable: 3001,
    UnregisteredClass: 3002,
    UnlistedErrorClass: 3003,
    // imports between segments
    ForeignImport: 4001,
    ClassInHeldModule: 4002,
    PrivateAcrossSegments: 4003,
    ErrorClassInHeldModule: 4004,
    // the surface against a previous build (--against)
    BreakingChangeKeptVersion: 5001,
    PreviousBuildUnreadable: 5002,
    // what changes when segments run in separate processes
    ArgumentMutated: 6001,
    SharedModuleState: 6002,
    // the tspc plugin (jitar/transformer), reported into TypeScript's own diagnostics
    TransformerNotReady: 9001
} as const;

export type Code = typeof Codes[keyof typeof Codes];

export interface Diagnostic extends SourceLocation
{
    severity: Severity;
    /** A JTR code of ours, or (with origin 'typescript') a TS code of the compiler. */
    code: number;
    message: string;
    origin?: 'typescript';
}

/** Collects diagnostics of one run; analysis never stops at the first problem. */
export class DiagnosticBag
{
    readonly #items: Diagnostic[] = [];

    error(location: SourceLocation, code: Code, message: string): void
    {
        this.#items.push({ ...location, severity: 'error', code, message });
    }

    warning(location: SourceLocation, code: Code, message: string): void
    {
        this.#items.push({ ...location, severity: 'warning', code, message });
    }

    /** Takes diagnostics found elsewhere (an earlier step, or TypeScript's own). */
    add(...diagnostics: Diagnostic[]): void
    {
        this.#items.push(...diagnostics);
    }

    get hasErrors(): boolean
    {
        return this.#items.some(item => item.severity === 'error');
    }

    /** Sorted by file and position, like tsc prints them. */
    get items(): Diagnostic[]
    {
        return [...this.#items].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code - b.code);
    }
}

/** `path:line:col - error JTR1234: message`, the form editors and CI log parsers already understand from tsc. */
export function formatDiagnostic(diagnostic: Diagnostic): string
{
    const prefix = diagnostic.origin === 'typescript' ? 'TS' : 'JTR';
    return `${diagnostic.file}:${diagnostic.line}:${diagnostic.column} - ${diagnostic.severity} ${prefix}${diagnostic.code}: ${diagnostic.message}`;
}
