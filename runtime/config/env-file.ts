import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as util from 'node:util';

/** A `.env` file that cannot be read, or a line in it that is not `NAME=value`. */
export class EnvFileError extends Error
{
    /** `file` is the path as messages show it. */
    constructor(readonly file: string, message: string, options?: ErrorOptions)
    {
        super(message, options);
        this.name = 'EnvFileError';
    }
}

/** The file to read variables from: `envFile` (relative to `cwd`) when given, else `.env` in `cwd` when it exists. */
export function findEnvFile(cwd: string, envFile?: string): string | undefined
{
    if (envFile !== undefined) return resolve(cwd, envFile);
    const fallback = resolve(cwd, '.env');
    return existsSync(fallback) ? fallback : undefined;
}

/**
 * The variables of a `.env` file, parsed by Node's own `util.parseEnv` (the syntax of `node --env-file`).
 * `display` is the file's name in messages. A missing file, or a line that parseEnv folds into a
 * variable name (a line without `=` before a variable), is an error rather than a variable that silently goes missing.
 */
export function readEnvFile(file: string, display: string = file): Record<string, string>
{
    let content: string;
    try
    {
        content = readFileSync(file, 'utf8');
    }
    catch (error)
    {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${(error as Error).message})`;
        throw new EnvFileError(display, `${display}: ${reason}`, { cause: error });
    }
    return parseEnvContent(content, display);
}

/** Parses the content of a `.env` file; see readEnvFile. */
export function parseEnvContent(content: string, display = '.env'): Record<string, string>
{
    const parseEnv = (util as { parseEnv?: (content: string) => NodeJS.Dict<string> }).parseEnv;
    if (typeof parseEnv !== 'function') throw new EnvFileError(display, `${display}: reading .env files needs Node.js 20.12 or later (this is ${process.version})`);

    const variables: Record<string, string> = {};
    for (const [name, value] of Object.entries(parseEnv(content)))
    {
        if (/[\r\n]/.test(name))
        {
            const first = name.split(/\r?\n/)[0].trim();
            const line = content.split(/\r?\n/).findIndex(text => text.trim().replace(/^export\s+/, '') === first) + 1;
            throw new EnvFileError(display, `${display}${line > 0 ? `:${line}` : ''}: expected NAME=value, not ${JSON.stringify(first)}`);
        }
        if (value !== undefined) variables[name] = value;
    }
    return variables;
}
