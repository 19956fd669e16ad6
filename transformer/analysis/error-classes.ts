import { basename } from 'node:path';

import { statusOf } from '../../runtime/errors.js';
import { ERROR_TYPES } from '../../runtime/serialization/builtins.js';

/** jitar's error module, as the app imports it: this package's source or its built declarations. */
const JITAR_ERRORS = /[\\/]runtime[\\/]errors\.(d\.)?ts$/;

/** TypeScript's own library files, where `Error` and its built-in subclasses are declared. */
const DEFAULT_LIBRARY = /^lib\.[\w.]*\.d\.ts$/;

/**
 * The status a thrown instance gets, when `name` (declared in `file`) is an error class the runtime knows:
 * one of jitar's (their own status, read from the class itself) or JavaScript's built-in errors (500).
 */
export function errorStatusOf(name: string, file: string): number | undefined
{
    const constructor = ERROR_TYPES.get(name);
    if (constructor === undefined && name !== 'AggregateError') return undefined;
    if (JITAR_ERRORS.test(file) && constructor !== undefined) return statusOf(new constructor());
    if (DEFAULT_LIBRARY.test(basename(file))) return 500;
    return undefined;
}
