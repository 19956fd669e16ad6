import { configSchema, definitionOf, describeValue, keyPath, knownKeys, nearestKey, quoteList, type SchemaError } from '../config/config-schemas.js';

/**
 * A service file checked against schemas/service.schema.json, and the first problem as a message of our
 * own. The schema says what is allowed (the keys of each object, which root keys each kind of service
 * uses, the types, what is required); this module only chooses which error to tell and how.
 */

const KINDS = ['standalone', 'worker', 'gateway', 'repository', 'proxy'] as const;

/** A problem of the file: the key path at fault (as the file writes it) and the message without the file name. */
export interface ServiceFileProblem
{
    readonly key: string | undefined;
    readonly detail: string;
}

/** What a value of each `$defs` entry must be, as "'key' must be ...". */
const EXPECTED: Readonly<Record<string, string>> = {
    text: 'a string',
    url: 'a URL string',
    filePath: 'a file path',
    modulePaths: 'an array of module paths (strings)',
    segmentNames: 'an array of segment names (strings)',
    filePatterns: 'an array of file patterns (strings)',
    milliseconds: 'a positive number of milliseconds',
    count: 'a whole number from 1 on',
    switch: 'true or false',
    natsServers: 'a NATS server address such as "nats://127.0.0.1:4222", or an array of them',
    nats: 'an object with servers (and prefix, one way to authenticate, TLS files)'
};

/** What a missing required key is, for its message. */
const REQUIRED: Readonly<Record<string, string>> = {
    url: 'where this service listens, such as "http://127.0.0.1:3000"',
    segments: 'the names of the segments it serves, such as ["default"]',
    cert: 'the certificate to serve with: a PEM file relative to the app root, such as "./certs/server.crt"',
    key: 'the certificate\'s private key: a PEM file relative to the app root, such as "./certs/server.key"',
    servers: 'the NATS servers, such as "nats://127.0.0.1:4222" or "${NATS_URL}"'
};

/**
 * Why a root key that the schema refuses for some kinds does so: a setting that would do nothing there
 * must not look as if it did something. Keyed by canonical name; `middlewares` is `middleware`.
 */
const UNUSED_ROOT_KEY: Readonly<Record<string, string>> = {
    middleware: 'it serves no RPC requests for middleware to run around, so remove the key',
    remoteWorker: 'only a gateway uses it (when it counts its workers unavailable and stopped), so move it to the gateway\'s service file',
    metrics: 'metrics count the RPC calls a standalone, worker or gateway answers, so remove the key'
};

/** The longest delay Node's timers take (2^31 - 1 ms), the schema's maximum for milliseconds. */
export const MAX_TIMER = 2_147_483_647;

/** Checks `root` against the service schema; undefined when it passes. */
export function checkServiceFile(root: unknown): ServiceFileProblem | undefined
{
    const { validate } = configSchema('service');
    if (validate(root)) return undefined;
    const errors = validate.errors ?? [];
    const first = [...errors].sort((a, b) => rank(a) - rank(b) || order(a) - order(b))[0];
    return first === undefined ? { key: undefined, detail: 'the service file does not match its schema' } : explain(first, errors, root);
}

/** Which errors are told first: the shape of the root, then the root's keys, then what is inside them. */
function rank(error: SchemaError): number
{
    const atRoot = error.instancePath === '';
    if (atRoot && error.keyword === 'type') return 0;
    if (atRoot && error.keyword === 'additionalProperties') return 1;
    if (atRoot && error.keyword === 'oneOf') return 2;
    if (error.keyword === 'false schema') return 3;
    if (atRoot && error.keyword === 'required' && !isBranch(error)) return 4;
    // Below: inside one root key (ordered by `order`), unknown keys, then missing ones, then values.
    if (error.keyword === 'additionalProperties') return 5;
    if (error.keyword === 'required' && !isBranch(error)) return 6;
    if (isBranch(error) || error.keyword === 'if') return 9;
    return 7;
}

/** The root key an error is in, by the schema's order of root keys, then the order of the document. */
function order(error: SchemaError): number
{
    const rootKeys = Object.keys(configSchema('service').schema.properties ?? {});
    const top = error.instancePath.split('/')[1];
    return top === undefined ? -1 : rootKeys.indexOf(top);
}

/** An error of one branch of a oneOf or anyOf: the oneOf or anyOf error itself tells it better. */
const isBranch = (error: SchemaError): boolean => /\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath) || /^#\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath);

function explain(error: SchemaError, errors: readonly SchemaError[], root: unknown): ServiceFileProblem
{
    const path = keyPath(error.instancePath);
    const object = root as Record<string, unknown>;
    switch (error.keyword)
    {
        case 'additionalProperties': {
            const unknown = errors.filter(other => other.keyword === 'additionalProperties' && other.instancePath === error.instancePath)
                .map(other => String(other.params.additionalProperty));
            const known = knownKeys(error.parentSchema);
            const where = path === '' ? 'at the root' : `in '${path}'`;
            const near = unknown.length === 1 ? nearestKey(unknown[0], known) : undefined;
            return {
                key: join(path, unknown[0]),
                detail: `unknown key${unknown.length > 1 ? 's' : ''} ${quoteList(unknown)} ${where}; known keys are ${known.join(', ')}${near === undefined ? '' : `; did you mean '${near}'?`}`
            };
        }
        case 'oneOf':
            if (path === '') return kindCount(object);
            return error.params.passingSchemas === null
                ? { key: 'proxy.gateway', detail: `'proxy' needs 'gateway' or 'worker' (the URL it forwards RPC requests to, such as "http://127.0.0.1:2000")` }
                : { key: 'proxy.worker', detail: `'proxy' has both 'gateway' and 'worker'; it forwards RPC to one of them, keep one` };
        case 'false schema': {
            const kind = KINDS.find(candidate => object[candidate] !== undefined);
            const canonical = path === 'middlewares' ? 'middleware' : path;
            return { key: path, detail: `'${path}' is not used by a ${kind} service; ${UNUSED_ROOT_KEY[canonical]}` };
        }
        case 'required': {
            const missing = String(error.params.missingProperty);
            return { key: join(path, missing), detail: `missing required key '${missing}'${path === '' ? '' : ` in '${path}'`} (${REQUIRED[missing] ?? 'see the schema'})` };
        }
        case 'type':
            if (path === '') return { key: undefined, detail: `the service file must hold a JSON object (with "url" and one of ${KINDS.join(', ')}), not ${describeValue(root)}` };
            break;
    }
    return wrongValue(error, errors, path);
}

/** A value of the wrong type or range, told by the kind of value its `$defs` entry describes. */
function wrongValue(error: SchemaError, errors: readonly SchemaError[], path: string): ServiceFileProblem
{
    const { schema } = configSchema('service');
    const here = errors.filter(other => other.instancePath === error.instancePath);
    const value = error.data;
    if (here.some(other => other.keyword === 'minLength')) return { key: path, detail: `'${path}' must not be empty` };
    // anyOf (a value or a ${VAR}) names the definition; otherwise the error's own schema does.
    const definition = here.map(other => definitionOf(schema, other)).find(name => name !== undefined && EXPECTED[name] !== undefined && here.some(o => o.keyword === 'anyOf' && definitionOf(schema, o) === name))
        ?? here.map(other => definitionOf(schema, other)).find(name => name !== undefined && EXPECTED[name] !== undefined);
    if (definition === 'milliseconds' && typeof value === 'number' && value > MAX_TIMER)
    {
        return { key: path, detail: `'${path}' must be at most ${MAX_TIMER} milliseconds (about 24.8 days), not ${value}` };
    }
    if (definition !== undefined) return { key: path, detail: `'${path}' must be ${EXPECTED[definition]}, not ${SECRET_KEY.test(path) ? kindOf(value) : describeValue(value)}` };
    if (error.keyword === 'type' && error.params.type === 'object') return { key: path, detail: `'${path}' must be an object, not ${describeValue(value)}` };
    return { key: path, detail: `'${path}' ${error.message ?? 'is not valid'}` };
}

function kindCount(root: Record<string, unknown>): ServiceFileProblem
{
    const kinds = KINDS.filter(kind => root[kind] !== undefined);
    if (kinds.length === 0) return { key: undefined, detail: `no service key; give exactly one of ${KINDS.join(', ')}` };
    return { key: kinds[1], detail: `several service keys (${quoteList(kinds)}); a file configures one service, so keep exactly one of them` };
}

const join = (path: string, key: string): string => path === '' ? key : `${path}.${key}`;

/** Keys whose values are secrets: a message says what kind of value is there, never the value. */
const SECRET_KEY = /\.nats\.(password|token)$/;

function kindOf(value: unknown): string
{
    if (typeof value === 'number') return 'a number';
    if (typeof value === 'boolean') return 'true or false';
    return describeValue(value === null || typeof value === 'object' ? value : undefined);
}
