/**
 * Runs a command line parser (node's `parseArgs`, which takes `--name=value` and `--name value` alike)
 * and turns a mistake into one line for the user instead of a stack trace.
 */
export function parseOrExit<T>(parse: () => T, usage: string): T
{
    try
    {
        return parse();
    }
    catch (error)
    {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
        process.exit(1);
    }
}
