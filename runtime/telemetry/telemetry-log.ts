/** What telemetry needs of a process's log (pino's Logger has it). */
export interface TelemetryLog
{
    isLevelEnabled(level: string): boolean;
    debug(fields: Record<string, unknown>, message: string): void;
}
