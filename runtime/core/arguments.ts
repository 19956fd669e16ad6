import type { ParameterManifest, WireName } from '../manifest.js';

/**
 * Arguments between the two shapes they take: the positional list a function is called with, and the
 * flat object of wire names an RPC call carries. Both directions follow the manifest's paths, so that
 * destructured, nested, renamed and rest parameters travel by the names the function binds.
 */

export type WireArguments = Record<string, unknown>;

type Path = readonly (string | number)[];

/** The wire arguments of a call made with `positional` (what a proxy sends). Absent values are left out. */
export function toWire(parameters: readonly ParameterManifest[], positional: ArrayLike<unknown>): WireArguments
{
    const args: WireArguments = {};
    const list = Array.from(positional);

    for (const parameter of parameters)
    {
        for (const name of parameter.names)
        {
            const container = read(list, name.path);
            const value = name.rest === undefined ? container : collectRest(name, container);
            if (value !== undefined) args[name.name] = value;
        }
    }
    return args;
}

/** The positional arguments to call the function with, rebuilt from wire arguments (what a receiver does). */
export function fromWire(parameters: readonly ParameterManifest[], args: WireArguments): unknown[]
{
    const positional: unknown[] = [];

    for (let index = 0; index < parameters.length; index++)
    {
        const parameter = parameters[index];
        if (parameter.kind === 'named')
        {
            positional[index] = args[parameter.names[0].name];
        }
        else if (parameter.kind === 'rest')
        {
            const values = args[parameter.names[0].name];
            // A loop, not a spread: spreading many values overflows the stack (the validator caps how many come).
            if (Array.isArray(values)) for (const value of values) positional.push(value);
        }
        else
        {
            const sent = parameter.names.some(name => args[name.name] !== undefined);
            positional[index] = !sent && parameter.optional ? undefined : rebuildPattern(parameter, index, args);
        }
    }

    // Trailing undefined arguments would still count in `arguments.length`; a direct call would not pass them.
    while (positional.length > 0 && positional[positional.length - 1] === undefined) positional.pop();
    return positional;
}

function read(list: unknown[], path: Path): unknown
{
    let current: unknown = list;
    for (const key of path)
    {
        if (current === null || current === undefined) return undefined;
        current = (current as Record<string | number, unknown>)[key];
    }
    return current;
}

function collectRest(name: WireName, container: unknown): unknown
{
    if (name.rest?.kind === 'elements')
    {
        if (container === null || container === undefined) return undefined;
        const rest = Array.from(container as ArrayLike<unknown>).slice(name.rest.from);
        return rest.length === 0 ? undefined : rest;
    }
    if (container === null || typeof container !== 'object') return undefined;
    const exclude = new Set(name.rest?.exclude ?? []);
    const rest = Object.fromEntries(Object.entries(container).filter(([key]) => !exclude.has(key)));
    return Object.keys(rest).length === 0 ? undefined : rest;
}

/**
 * Rebuilds one destructured parameter. Nested patterns get a container even when nothing was sent for
 * them (destructuring undefined would throw), unless they have a default of their own to fall back on.
 */
function rebuildPattern(parameter: ParameterManifest, index: number, args: WireArguments): unknown
{
    const root: unknown = parameter.kind === 'array-pattern' ? [] : {};
    const holder: unknown[] = [];
    holder[index] = root;
    const defaulted = (parameter.defaultedPatterns ?? []).map(path => path.join('\u0000'));

    for (const name of parameter.names)
    {
        const value = args[name.name];
        // The containers on the way; a rest binding's path is its container, which it needs too.
        const last = name.rest === undefined ? name.path.length - 1 : name.path.length;
        for (let depth = 2; depth <= last; depth++)
        {
            const prefix = name.path.slice(0, depth);
            if (value === undefined && defaulted.includes(prefix.join('\u0000'))) break;
            const isArray = depth < name.path.length ? typeof name.path[depth] === 'number' : name.rest?.kind === 'elements';
            ensureContainer(holder, prefix, isArray);
        }
        if (value === undefined) continue;

        if (name.rest === undefined) write(holder, name.path, value);
        else if (name.rest.kind === 'elements' && Array.isArray(value)) appendElements(holder, name.path, name.rest.from, value);
        else if (name.rest.kind === 'properties' && value !== null && typeof value === 'object') Object.assign(ensureContainer(holder, name.path, false), value);
    }
    return root;
}

function ensureContainer(holder: unknown[], path: Path, isArray: boolean): Record<string | number, unknown>
{
    const parent = read(holder, path.slice(0, -1)) as Record<string | number, unknown>;
    const key = path[path.length - 1];
    if (parent[key] === undefined) parent[key] = isArray ? [] : {};
    return parent[key] as Record<string | number, unknown>;
}

function write(holder: unknown[], path: Path, value: unknown): void
{
    const parent = read(holder, path.slice(0, -1)) as Record<string | number, unknown>;
    parent[path[path.length - 1]] = value;
}

function appendElements(holder: unknown[], path: Path, from: number, values: unknown[]): void
{
    const container = ensureContainer(holder, path, true) as unknown as unknown[];
    container.length = Math.max(container.length, from);
    for (const value of values) container.push(value);
}
