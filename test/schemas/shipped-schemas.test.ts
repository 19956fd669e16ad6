import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

import { CONFIG_AJV_OPTIONS } from '../../runtime/config/config-schemas.js';
import { readJitarConfig } from '../../runtime/config/read-jitar-config.js';
import { loadServiceConfig } from '../../runtime/services/service-config.js';

/**
 * The JSON Schemas in schemas/, as an editor reads them through `$schema`: every configuration file of the
 * examples, the starters and the test apps is checked against them here with a plain Ajv, apart from the
 * code that reads the files; the starters' and examples' `$schema` references must lead to them.
 */

const REPO = resolve(import.meta.dirname, '../..');
type Kind = 'service' | 'segment' | 'jitar';
const KINDS: readonly Kind[] = ['service', 'segment', 'jitar'];

const schemaFile = (kind: Kind): string => join(REPO, 'schemas', `${kind}.schema.json`);
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8').replace(/^\ufeff/, ''));

const validators = new Map<Kind, ValidateFunction>();
function validator(kind: Kind): ValidateFunction
{
    let validate = validators.get(kind);
    if (validate === undefined)
    {
        validate = new Ajv2020({ allErrors: true }).compile(readJson(schemaFile(kind)) as object);
        validators.set(kind, validate);
    }
    return validate;
}

/** The configuration files of one app folder: jitar.json, segments/*.json and services/*.json. */
function configFiles(app: string): { file: string; kind: Kind }[]
{
    const inFolder = (folder: string, kind: Kind) => existsSync(join(app, folder))
        ? readdirSync(join(app, folder)).filter(name => name.endsWith('.json')).map(name => ({ file: join(app, folder, name), kind }))
        : [];
    return [
        ...existsSync(join(app, 'jitar.json')) ? [{ file: join(app, 'jitar.json'), kind: 'jitar' as const }] : [],
        ...inFolder('segments', 'segment'),
        ...inFolder('services', 'service')
    ];
}

const subfolders = (folder: string): string[] => readdirSync(join(REPO, folder), { withFileTypes: true }).filter(entry => entry.isDirectory()).map(entry => join(REPO, folder, entry.name));

const STARTERS = subfolders('templates');
const EXAMPLES = subfolders('examples');
const TEST_APPS = [...subfolders('test/fixtures/apps'), join(REPO, 'test/fixtures/reference-app')];

/**
 * Test-app files that are wrong on purpose, for the tests of the compiler's diagnostics, and what the
 * schema says of them. Every other file must pass.
 */
const WRONG_ON_PURPOSE: Readonly<Record<string, string>> = {
    'test/fixtures/apps/broken-config/jitar.json': 'must NOT have additional properties',
    'test/fixtures/apps/broken-config/segments/greetings.json': 'must be equal to one of the allowed values',
    'test/fixtures/apps/broken-many/segments/a.json': 'must be equal to one of the allowed values',
    'test/fixtures/apps/broken-many/jitar.json': 'must NOT have additional properties',
    'test/fixtures/apps/rpc/services/broken-key.json': 'must NOT have additional properties',
    'test/fixtures/apps/forwarding/services/repository-with-middleware.json': 'boolean schema is false'
};

/** Test-app files that are not JSON on purpose (the tests of JSON syntax errors). */
const NOT_JSON_ON_PURPOSE = ['bad', 'commented', 'quoted', 'trailing'].map(name => `test/fixtures/apps/broken-json/segments/${name}.json`);

const shown = (file: string): string => relative(REPO, file);

describe('the shipped schemas', () =>
{
    test.each(KINDS)('%s.schema.json is a draft 2020-12 schema whose every key is described for editors', kind =>
    {
        const schema = readJson(schemaFile(kind)) as Record<string, unknown>;
        expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
        expect(() => new Ajv2020({ strict: true, strictRequired: false }).compile(schema)).not.toThrow();

        const undescribed: string[] = [];
        const walk = (node: unknown, path: string): void =>
        {
            if (typeof node !== 'object' || node === null) return;
            const properties = (node as { properties?: Record<string, unknown> }).properties ?? {};
            for (const [key, value] of Object.entries(properties))
            {
                if (typeof value === 'object' && value !== null && typeof (value as { description?: unknown }).description !== 'string') undescribed.push(`${path}/${key}`);
                walk(value, `${path}/${key}`);
            }
            for (const [key, value] of Object.entries(node)) if (key !== 'properties') walk(value, `${path}/${key}`);
        };
        walk(schema, '');
        expect(undescribed).toEqual([]);
    });

    test('ship in the package and are exported', () =>
    {
        const manifest = readJson(join(REPO, 'package.json')) as { files: string[]; exports: Record<string, unknown> };
        expect(manifest.files).toContain('schemas');
        expect(manifest.exports['./schemas/*']).toBe('./schemas/*');
    });
});

describe('every configuration file passes its schema', () =>
{
    const all = [...STARTERS, ...EXAMPLES, ...TEST_APPS].flatMap(configFiles);

    test('the files are found: starters, examples and test apps of every kind', () =>
    {
        for (const kind of KINDS) expect(all.filter(entry => entry.kind === kind).length).toBeGreaterThan(5);
        expect(all.filter(entry => shown(entry.file).startsWith('templates/'))).toHaveLength(6);
        expect(all.filter(entry => shown(entry.file).startsWith('examples/'))).toHaveLength(16);
    });

    test.each(all.map(entry => [shown(entry.file), entry.kind] as const))('%s (%s)', (file, kind) =>
    {
        if (NOT_JSON_ON_PURPOSE.includes(file))
        {
            expect(() => readJson(join(REPO, file))).toThrow(SyntaxError);
            return;
        }
        const validate = validator(kind);
        const valid = validate(readJson(join(REPO, file)));
        const wrong = WRONG_ON_PURPOSE[file];
        if (wrong === undefined) expect(validate.errors ?? []).toEqual([]);
        else expect(validate.errors?.map(error => error.message)).toContain(wrong);
        expect(valid).toBe(wrong === undefined);
    });
});

describe('$schema in the starters and examples', () =>
{
    const referencing = [...STARTERS, ...EXAMPLES].flatMap(configFiles);

    /** Where an editor finds the `$schema` of `file`: node_modules/jitar is this package, as once installed. */
    function target(file: string): string
    {
        const reference = (readJson(file) as { $schema?: unknown }).$schema;
        if (typeof reference !== 'string') throw new Error(`${shown(file)} has no $schema`);
        const path = resolve(dirname(file), reference);
        const installed = /\/node_modules\/jitar\/(.*)$/.exec(path);
        return installed === null ? path : join(REPO, installed[1]);
    }

    test.each(referencing.map(entry => [shown(entry.file), entry.kind] as const))('%s names the %s schema by a path that resolves', (file, kind) =>
    {
        expect(target(join(REPO, file))).toBe(schemaFile(kind));
    });

    test('a starter refers to it through node_modules, which works in the app init makes', () =>
    {
        for (const { file } of referencing.filter(entry => shown(entry.file).startsWith('templates/')))
        {
            expect((readJson(file) as { $schema: string }).$schema).toMatch(/^\.{1,2}\/node_modules\/jitar\/schemas\/(service|segment|jitar)\.schema\.json$/);
        }
    });
});

describe('a typo in a starter file is told by file, key and the nearest known key', () =>
{
    let app: string;
    beforeEach(() => { app = mkdtempSync(join(tmpdir(), 'jitar-schemas-')); });
    afterEach(() => { rmSync(app, { recursive: true, force: true }); });

    /** The starter `template` copied to the app folder, with `from` replaced by `to` in `file`. */
    function starterWithTypo(file: string, from: string, to: string): void
    {
        cpSync(join(REPO, 'templates/common'), app, { recursive: true });
        cpSync(join(REPO, 'templates/backend'), app, { recursive: true });
        const text = readFileSync(join(app, file), 'utf8');
        expect(text).toContain(from);
        writeFileSync(join(app, file), text.replace(from, to));
    }

    test('a service file', () =>
    {
        // The starter file as it is loads, $schema and all.
        starterWithTypo('services/standalone.json', '"url"', '"url"');
        expect(loadServiceConfig('services/standalone.json', { cwd: app, env: { PORT: '3000' } })).toMatchObject({ kind: 'standalone', segments: ['greeting', 'people'] });
        starterWithTypo('services/standalone.json', '"segments"', '"segmnts"');
        expect(() => loadServiceConfig('services/standalone.json', { cwd: app, env: { PORT: '3000' } }))
            .toThrow("services/standalone.json: unknown key 'segmnts' in 'standalone'; known keys are segments, assets, assetRoot, indexFilename, serveIndexOnNotFound, trustKey, openapi, requestTimeout, serializeCalls; did you mean 'segments'?");
    });

    test('jitar.json, as the runtime reads it', () =>
    {
        starterWithTypo('jitar.json', '"target"', '"taget"');
        expect(() => readJitarConfig(app)).toThrow("jitar.json: Unknown key 'taget' in jitar.json; known keys are source, target, segments, resources, build; did you mean 'target'?");
        writeFileSync(join(app, 'jitar.json'), '{ "source": "./src",\n  "build": { "ignore": "**/*.spec.ts" } }');
        expect(() => readJitarConfig(app)).toThrow("jitar.json: 'build.ignore' in jitar.json must be an array of glob patterns (strings), not \"**/*.spec.ts\"");
        writeFileSync(join(app, 'jitar.json'), '{ "source": "./src",, }');
        expect(() => readJitarConfig(app)).toThrow("jitar.json:1:21: invalid JSON: expected a property name in double quotes, found ','");
    });

    test('jitar.json takes build.ignore, and the config carries it', () =>
    {
        starterWithTypo('jitar.json', '"target": "./dist"', '"target": "./out", "build": { "ignore": ["**/*.spec.ts"] }');
        expect(readJitarConfig(app)).toMatchObject({ root: app, target: join(app, 'out'), build: { ignore: ['**/*.spec.ts'] } });
        expect(basename(readJitarConfig(app).source)).toBe('src');
    });
});

describe('the validators prebuilt into lib/ by npm run build (scripts/build-config-validators.mjs)', () =>
{
    const PREBUILT = join(REPO, 'lib/runtime/config/config-validators.cjs');
    const prebuilt = (): Record<Kind, ValidateFunction> & { hashes: Record<Kind, string> } => createRequire(import.meta.url)(PREBUILT);

    /** Wrong on purpose, beside the files above: each kind of error the readers word (unknown keys, types, enums, branches). */
    const WRONG: Record<Kind, unknown[]> = {
        service: [
            { url: 'http://127.0.0.1:3000', standalone: { segments: 'default' } },
            { url: 'http://127.0.0.1:3000', worker: { segments: ['a'], reportInterval: -5, extra: true } },
            { url: 'ftp://nowhere', gateway: { monitorInterval: null }, proxy: {} },
            { url: 'http://127.0.0.1:3000', repository: { assets: '*.html', serveIndexOnNotFound: 'yes' } },
            { url: 'http://127.0.0.1:3000', gateway: {}, nats: { servers: 'http://127.0.0.1:4222', prefix: 'a b' } },
            { standalone: {}, healthChecks: {}, setUp: './setUp' },
            []
        ],
        segment: [{ './a': { f: { access: 'secret' } } }, { './a': 'f' }, { './a': { f: { version: 1 } } }],
        jitar: [{ source: 1, target: './dist', extra: true }, { build: { ignore: 'x' } }, 'jitar']
    };

    it('were made from the schema files as they are now', () =>
    {
        for (const kind of KINDS) expect([kind, prebuilt().hashes[kind]]).toEqual([kind, createHash('sha256').update(readFileSync(schemaFile(kind), 'utf8')).digest('hex')]);
    });

    test.each(KINDS)('%s: give every file the verdict and the errors that Ajv compiling the schema now gives', kind =>
    {
        const fresh = new Ajv2020(CONFIG_AJV_OPTIONS).compile(readJson(schemaFile(kind)) as object);
        const documents = [
            // Some test-app files are not even JSON, on purpose: those are the syntax checker's.
            ...[...STARTERS, ...EXAMPLES, ...TEST_APPS].flatMap(configFiles).filter(file => file.kind === kind).flatMap(file => { try { return [readJson(file.file)]; } catch { return []; } }),
            ...WRONG[kind]
        ];
        expect(documents.length).toBeGreaterThan(WRONG[kind].length);
        let wrong = 0;
        for (const document of documents)
        {
            const ours = prebuilt()[kind];
            const valid = ours(document);
            expect([document, valid]).toEqual([document, fresh(document)]);
            expect(ours.errors ?? null).toEqual(fresh.errors ?? null);
            if (!valid) wrong++;
        }
        expect(wrong).toBeGreaterThanOrEqual(WRONG[kind].length);
    });

    it('are the ones the built runtime checks configuration files with', async () =>
    {
        const built = await import(pathToFileURL(join(REPO, 'lib/runtime/config/config-schemas.js')).href) as typeof import('../../runtime/config/config-schemas.js');
        for (const kind of KINDS) expect(built.configSchema(kind).validate).toBe(prebuilt()[kind]);
    });
});
