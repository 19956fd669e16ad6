import { pino, type DestinationStream, type Logger } from 'pino';
import type { prettyFactory as PrettyFactory } from 'pino-pretty';

import { loadOnUse } from '../load-on-use.js';
import type { LogFormat } from './log-format.js';

export type { Logger };

export interface ServiceLoggerOptions
{
    level: string;
    /** Default: `pretty` when the output is a terminal, else `json`. */
    format?: LogFormat;
    /** Whether the output is a terminal; default: whether stdout is one. */
    isTTY?: boolean;
    /** Where the lines go; default stdout (synchronously, so that no line is lost when the process exits). */
    destination?: DestinationStream;
    /** Fields added to every line, computed when it is logged (the ids of the call being served). */
    mixin?: () => object;
}

/** A process's log: pino, the logger Fastify is made for, in the format that suits where its lines go. */
export function createServiceLogger(options: ServiceLoggerOptions): Logger
{
    const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
    const format = options.format ?? ((options.isTTY ?? process.stdout.isTTY === true) ? 'pretty' : 'json');
    const settings = { level: options.level, ...options.mixin === undefined ? {} : { mixin: options.mixin } };
    if (format === 'json') return pino(settings, destination);

    // pino-pretty's formatter, called in line rather than as its stream: that stream is asynchronous, and
    // lines logged just before the process exits (while it stops) would be lost.
    const { prettyFactory } = loadOnUse('pino-pretty') as { prettyFactory: typeof PrettyFactory };
    const prettify = prettyFactory({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
    return pino(settings, { write: (line: string) => destination.write(prettify(line)) });
}
