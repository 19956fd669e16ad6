import { parseArgs, type ParseArgsConfig } from 'node:util';

import { closestMatch } from 'leven';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A command of the command line, with the options it takes and its help text. */
export interface Command<O extends Options = Options>
{
    /** As messages name it: `jitar start`. */
    name: string;
    usage: string;
    options: O;
}

/** The values of a command's options, typed as parseArgs types them. */
export type OptionValues<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'];

/** A command line that cannot be run; the message is one line that says what to do instead. */
export class UsageError extends Error {}

/**
 * The options of one command (node's `parseArgs`, which takes `--name=value` and `--name value` alike,
 * checked first so that a mistake gets a line of ours naming the option and the command, instead of
 * parseArgs' own text). An option of one of `others` is named as such: `jitar init --service` is a
 * mistake about which command takes what.
 */
export function parseCommand<O extends Options>(command: Command<O>, args: string[], others: readonly Command[] = []): OptionValues<O>
{
    const { tokens } = parseArgs({ args, options: command.options, strict: false, allowPositionals: true, tokens: true });
    const help = `See ${command.name} --help`;
    for (const token of tokens)
    {
        if (token.kind === 'positional') throw new UsageError(`Unexpected argument '${token.value}' for ${command.name}; options are written --name=value. ${help}`);
        if (token.kind !== 'option') continue;
        const option = command.options[token.name] as Options[string] | undefined;
        if (option === undefined) throw new UsageError(unknownOption(token.rawName, token.name, command, others));
        if (option.type === 'string' && token.value === undefined) throw new UsageError(`Option '${token.rawName}' of ${command.name} needs a value: ${token.rawName}=<value>. ${help}`);
        if (option.type === 'boolean' && token.value !== undefined) throw new UsageError(`Option '${token.rawName}' of ${command.name} takes no value. ${help}`);
    }
    try
    {
        return parseArgs({ args, options: command.options, strict: true, allowPositionals: false }).values;
    }
    catch (error)
    {
        // What the checks above let through, parseArgs still refuses; its text names the option.
        throw new UsageError(`${error instanceof Error ? error.message : String(error)} (${command.name}). ${help}`);
    }
}

function unknownOption(rawName: string, name: string, command: Command, others: readonly Command[]): string
{
    const owner = others.find(other => Object.hasOwn(other.options, name));
    if (owner !== undefined) return `Option '${rawName}' is for ${owner.name}, not ${command.name}. See ${command.name} --help`;
    const near = rawName.startsWith('--') ? nearOption(name, Object.keys(command.options)) : undefined;
    return `Unknown option '${rawName}' for ${command.name}${near === undefined ? '.' : `; did you mean --${near}?`} See ${command.name} --help`;
}

/** The option meant: the one the name begins (`--manifest`), else one a typo or two away (`--sevice`). */
function nearOption(name: string, known: readonly string[]): string | undefined
{
    const completions = known.filter(option => option.startsWith(name));
    return completions.length === 1 ? completions[0] : closestMatch(name, known, { maxDistance: 2 });
}

/** Runs a command line parser and turns a mistake into its line on stderr and exit code 1, instead of a stack trace. */
export function parseOrExit<T>(parse: () => T): T
{
    try
    {
        return parse();
    }
    catch (error)
    {
        if (!(error instanceof UsageError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exit(1);
    }
}
