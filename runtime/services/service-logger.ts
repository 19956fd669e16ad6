import { pino, type Logger } from 'pino';

export type { Logger };

/** A process's log: pino, the logger Fastify is made for, one JSON line per entry on stdout. */
export function createServiceLogger(level: string): Logger
{
    return pino({ level });
}
