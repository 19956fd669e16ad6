/**
 * The manifest: what `jitar-compile` learns from the sources, and all that the runtime knows of them.
 *
 * It lives on the runtime side because the runtime reads it; the compiler imports these types to write it.
 * Everything here is plain JSON, so the file can be read without the compiler.
 */

export const MANIFEST_FORMAT = 1;

/** Where `jitar-compile` writes the manifest, relative to the app's target folder. */
export const MANIFEST_PATH = '.jitar/manifest.json';

export type Access = 'public' | 'protected' | 'private';

export const ACCESS_LEVELS: readonly Access[] = ['public', 'protected', 'private'];

/**
 * A JSON Schema (draft 2020-12) describing a value *after* deserialization. References point into the
 * manifest's shared definitions as `#/$defs/<key>`. Values that JSON cannot express use keywords of ours,
 * which the runtime's validator defines:
 * - `jitarType`: a built-in non-JSON type (`undefined`, `bigint`, `Date`, `Map`, `Set`, `URL`, `RegExp`,
 *   `Error` and its built-in subclasses, `Buffer`, `ArrayBuffer` and the typed arrays);
 * - `jitarKeys` / `jitarItems`: the key and value schemas of a `Map`, the item schema of a `Set`;
 * - `jitarClass`: an instance of the registered class with that key.
 */
export interface JsonSchema
{
    $ref?: string;
    type?: JsonType | JsonType[];
    const?: JsonValue;
    enum?: JsonValue[];
    anyOf?: JsonSchema[];
    not?: JsonSchema;
    properties?: Record<string, JsonSchema>;
    required?: string[];
    additionalProperties?: JsonSchema | boolean;
    items?: JsonSchema | boolean;
    prefixItems?: JsonSchema[];
    minItems?: number;
    maxItems?: number;
    description?: string;
    jitarType?: JitarType;
    jitarKeys?: JsonSchema;
    jitarItems?: JsonSchema;
    jitarClass?: string;
}

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type JitarType =
    | 'undefined' | 'bigint' | 'Date' | 'Map' | 'Set' | 'URL' | 'RegExp' | 'Buffer' | 'ArrayBuffer'
    | 'Error' | 'EvalError' | 'RangeError' | 'ReferenceError' | 'SyntaxError' | 'TypeError' | 'URIError' | 'AggregateError'
    | 'Int8Array' | 'Uint8Array' | 'Uint8ClampedArray' | 'Int16Array' | 'Uint16Array' | 'Int32Array' | 'Uint32Array'
    | 'Float32Array' | 'Float64Array' | 'BigInt64Array' | 'BigUint64Array';

/** Line and column count from 1, like an editor's. */
export interface Position
{
    line: number;
    column: number;
}

/** A place in a source or configuration file. */
export interface SourceLocation extends Position
{
    file: string;
}

/**
 * One name on the wire: what a caller sends as a top-level argument.
 *
 * `path` says where the value sits in the argument list: its first element is the parameter's index, the
 * rest are property keys (object patterns) or element indexes (array patterns). A rest binding collects
 * what is left of a container: `path` is that container (`[]` for the argument list itself), and `rest`
 * says what is left: the elements from an index on, or the properties that other bindings do not take.
 */
export interface WireName
{
    name: string;
    path: (string | number)[];
    optional: boolean;
    rest?: RestBinding;
    schema: JsonSchema;
}

export type RestBinding =
    | { kind: 'elements'; from: number }
    | { kind: 'properties'; exclude: string[] };

export type ParameterKind = 'named' | 'object-pattern' | 'array-pattern' | 'rest';

/** A parameter as declared, with the wire names it binds (a named or rest parameter binds one). */
export interface ParameterManifest
{
    kind: ParameterKind;
    /** The source text of a named or rest parameter's name, or of the whole pattern. */
    text: string;
    optional: boolean;
    names: WireName[];
    /**
     * Paths of nested patterns that have a default value (`{ a: { b } = { b: 1 } }` gives `[[0, 'a']]`):
     * when nothing is sent for them, they stay undefined so that their default applies.
     */
    defaultedPatterns?: (string | number)[][];
}

export interface ProcedureManifest
{
    fqn: string;
    version: string;
    access: Access;
    /** The segments that hold this implementation. */
    segments: string[];
    /** Module path relative to the source root, without extension (`domain/sayHello`). */
    module: string;
    /** Source file relative to the source root (`domain/sayHello.ts`). */
    file: string;
    /** The export the segment names (`default` for a default export). */
    exportName: string;
    parameters: ParameterManifest[];
    /** Schema of the awaited result. */
    result: JsonSchema;
    /** Where the function is declared in `file`. */
    position: Position;
}

export interface ClassMemberManifest
{
    name: string;
    readable: boolean;
    writable: boolean;
}

export interface ClassManifest
{
    /** Class FQN, used by the serializer as the class's key (`domain/Person`). */
    key: string;
    module: string;
    file: string;
    exportName: string;
    /** How the class got registered: listed in a segment, or used in a procedure's signature. */
    registration: 'segment' | 'signature';
    segments: string[];
    constructorParameters: string[];
    /** Public members, own and inherited; getters are readable, setters and non-readonly fields writable. */
    members: ClassMemberManifest[];
    /** Key of the registered parent class, when it has one. */
    extends?: string;
    /**
     * Errors only: the HTTP status an RPC answer gets when an instance is thrown (that of the nearest of
     * jitar's error classes it extends, else 500). Absent for classes that are not errors.
     */
    status?: number;
    /** Where the class is declared in `file`. */
    position: Position;
}

export interface SegmentManifest
{
    name: string;
    /** The segment file, relative to the app's root. */
    file: string;
    /** Module paths (relative to the source root, no extension) that the segment names. */
    modules: string[];
}

export interface Manifest
{
    format: typeof MANIFEST_FORMAT;
    /** Version of the jitar package that wrote the manifest. */
    compiler: string;
    /** Source and target folders, relative to the app's root. */
    source: string;
    target: string;
    segments: SegmentManifest[];
    /** Every implementation, sorted by FQN and then version. */
    procedures: ProcedureManifest[];
    classes: ClassManifest[];
    /** Shared schema definitions, referenced as `#/$defs/<key>`. */
    $defs: Record<string, JsonSchema>;
    /** Modules listed in `resources/*.json`: one shared instance per process. */
    resources: string[];
    /**
     * The hash of the argument validators jitar-compile wrote beside the manifest (.jitar/validators.js,
     * see runtime/validation/validators-module.ts); absent when it wrote none: the runtime compiles them at start.
     */
    validators?: string;
}
