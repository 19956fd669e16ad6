import type { JitarType } from '../manifest.js';

/** How the validator recognises an instance of a registered class; the runtime answers from its class registry. */
export type IsInstanceOfClass = (key: string, value: unknown) => boolean;

/**
 * What the validators' code calls for the manifest's own keywords (see keywords.ts): checks that JSON
 * Schema cannot express. The validators get it when they are made, whether Ajv compiles them at start or
 * jitar-compile wrote them ahead (validators-module.ts); this module does not load Ajv, so that a
 * runtime with prebuilt validators never does.
 */
/**
 * The name under which the validators' code finds the value checks. Compiled at start, Ajv hands the
 * checks object itself to the code; in the module jitar-compile writes (validators-module.ts), the code
 * is wrapped in a function that takes the checks under this name.
 */
export const CHECKS_NAME = 'jitarChecks';

export interface ValueChecks
{
    isJitarType(type: JitarType, value: unknown): boolean;
    isInstanceOfClass: IsInstanceOfClass;
}

export function valueChecks(isInstanceOfClass: IsInstanceOfClass): ValueChecks
{
    return { isJitarType, isInstanceOfClass };
}

/** Whether a deserialized value is of the built-in type the manifest names. */
export function isJitarType(type: JitarType, value: unknown): boolean
{
    switch (type)
    {
        case 'undefined': return value === undefined;
        case 'bigint': return typeof value === 'bigint';
        case 'Buffer': return (globalThis as { Buffer?: { isBuffer(value: unknown): boolean } }).Buffer?.isBuffer(value) ?? false;
        default: {
            const constructor = (globalThis as Record<string, unknown>)[type];
            return typeof constructor === 'function' && value instanceof constructor;
        }
    }
}
