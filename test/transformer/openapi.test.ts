import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

import { openApiDocument, type Manifest, type OpenApiDocument } from '../../transformer/index.js';
import { createClassResolver } from '../../runtime/serialization/class-resolver.js';
import { serialize } from '../../runtime/serialization/serializer.js';
import { runCli, runNode } from '../cli/run-cli.js';
import { copyApp, failingStart, freePort, startJitar, type JitarProcess } from '../e2e/jitar-app.js';
import { analyseFixture } from './fixture-apps.js';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = ['cluster', 'minimal', 'page', 'rpc', 'showcase', 'split'];

type Json = { [key: string]: unknown };

/** The app depends on this package as a user's app does (node_modules/jitar), and sees its Node types. */
function linkJitar(root: string): void
{
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(REPOSITORY, join(root, 'node_modules/jitar'), 'dir');
    symlinkSync(join(REPOSITORY, 'node_modules/@types'), join(root, 'node_modules/@types'), 'dir');
}

function documentOf(name: string): { manifest: Manifest; document: OpenApiDocument }
{
    const result = analyseFixture(name);
    expect(result.diagnostics.filter(diagnostic => diagnostic.severity === 'error')).toEqual([]);
    return { manifest: result.manifest, document: openApiDocument(result.manifest, { title: name, version: '1.0.0' }) };
}

/** Every schema of the document: components, parameters, bodies, answers and our x-jitar-versions. */
function schemasOf(document: unknown): unknown[]
{
    const found: unknown[] = [];
    const walk = (value: unknown, key: string | undefined, parent: string | undefined): void =>
    {
        if (Array.isArray(value)) return value.forEach(item => walk(item, undefined, key));
        if (value === null || typeof value !== 'object') return;
        if (key === 'schema' || parent === 'schemas' || key === 'arguments' || key === 'result') return void found.push(value);
        for (const [child, item] of Object.entries(value)) walk(item, child, key);
    };
    walk(document, undefined, undefined);
    return found;
}

/** Ajv in strict mode refuses unknown keywords: a schema it compiles is standard JSON Schema 2020-12. */
function strictCompiler(document: OpenApiDocument): (schema: unknown) => ValidateFunction
{
    const ajv = new Ajv2020({ strict: true, strictTuples: false, allowUnionTypes: true });
    addFormats.default(ajv);
    const pointed = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"jitar:components#/$defs/'));
    ajv.addSchema({ $id: 'jitar:components', $defs: pointed(document.components.schemas) as Json });
    return schema => ajv.compile(pointed(schema) as Json);
}

async function expectValid(document: unknown): Promise<void>
{
    // The validator takes a JSON object (a string would be read as a file name).
    const result = await new Validator().validate(JSON.parse(JSON.stringify(document)) as Json);
    expect(result).toEqual({ valid: true });
}

describe('the OpenAPI document of each fixture app', () =>
{
    test.each(FIXTURES)('%s validates as OpenAPI 3.1 and holds only standard JSON Schema', async name =>
    {
        const { document } = documentOf(name);
        await expectValid(document);
        expect(JSON.stringify(document)).not.toMatch(/"jitar(Type|Class|Keys|Items)"/);
        const compile = strictCompiler(document);
        const schemas = schemasOf(document);
        expect(schemas.length).toBeGreaterThan(0);
        for (const schema of schemas) expect(() => compile(schema)).not.toThrow();
    });
});

describe('what the showcase document says', () =>
{
    let manifest: Manifest;
    let document: OpenApiDocument;
    beforeAll(() => ({ manifest, document } = documentOf('showcase')));

    test('public and protected procedures have a path, private ones none', () =>
    {
        const exposed = new Set(manifest.procedures.filter(procedure => procedure.access !== 'private').map(procedure => `/rpc/${procedure.fqn}`));
        expect(new Set(Object.keys(document.paths))).toEqual(exposed);
        expect(document.paths['/rpc/domain/internalCount']).toBeUndefined();
    });

    test('a protected procedure needs the trust key and may answer 401; a public one neither', () =>
    {
        const listPeople = document.paths['/rpc/domain/person/listPeople'].post;
        expect(listPeople?.security).toEqual([{ trustKey: [] }]);
        expect(listPeople?.responses[401]).toEqual({ $ref: '#/components/responses/Error401.serialized' });
        expect(document.components.securitySchemes.trustKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-jitar-trust-key' });
        const sayHello = document.paths['/rpc/sayHello'].post;
        expect(sayHello?.security).toBeUndefined();
        expect(sayHello?.responses[401]).toBeUndefined();
    });

    test('versions of one FQN share a path: the latest is described, the header lists them all, the others are kept', () =>
    {
        const operation = document.paths['/rpc/domain/order/placeOrder'].post;
        const header = operation?.parameters.find(parameter => parameter.name === 'x-jitar-procedure-version');
        expect(header).toMatchObject({ in: 'header', required: true, schema: { enum: ['1.0.0', '2.0.0'], default: '2.0.0' } });
        expect(Object.keys(operation?.requestBody?.content['application/json'].schema.properties as Json)).toEqual(['person', 'amount', 'express']);
        expect(Object.keys(operation?.['x-jitar-versions'] ?? {})).toEqual(['1.0.0']);
        expect(Object.keys(operation?.['x-jitar-versions']?.['1.0.0'].arguments.properties as Json)).toEqual(['person', 'amount']);
        // A procedure at 0.0.0 only is what a request without the header gets: no header to send.
        expect(document.paths['/rpc/sayHello'].post?.parameters).toEqual([]);
    });

    test('calls of JSON values are plain, with a GET form when every argument fits a query string', () =>
    {
        const path = document.paths['/rpc/domain/enums'];
        expect(path.get?.parameters).toEqual([
            { name: 'color', in: 'query', required: true, schema: { $ref: '#/components/schemas/domain.types.Color' } },
            { name: 'size', in: 'query', required: true, schema: { $ref: '#/components/schemas/domain.types.Size' } }
        ]);
        expect(document.components.schemas['domain.types.Size']).toEqual({ enum: ['S', 'L'] });
        expect(path.post?.parameters).toEqual([]);
        expect(path.post?.requestBody).toMatchObject({ required: true, content: { 'application/json': { schema: { type: 'object', required: ['color', 'size'], additionalProperties: false } } } });
        // A number travels as text/plain: its text, which x-jitar-content-type marks as a number.
        expect(path.post?.responses[200]).toMatchObject({ content: { 'text/plain': { schema: { type: 'string' } } }, headers: { 'x-jitar-content-type': { schema: { enum: ['application/number'] } } } });
        expect(document.paths['/rpc/sayHello'].get?.parameters).toEqual([{ name: 'name', in: 'query', required: false, schema: { type: 'string' } }]);
        expect(document.paths['/rpc/sayHello'].post?.responses[200]).toMatchObject({ content: { 'text/plain': { schema: { type: 'string' } } } });
        // Objects do not fit a query string: POST only.
        expect(document.paths['/rpc/domain/objects'].get).toBeUndefined();
    });

    test('calls with classes, Dates in containers, Maps and errors need the serialized encoding, and say so', () =>
    {
        const builtins = document.paths['/rpc/domain/builtins'];
        expect(builtins.get).toBeUndefined();
        expect(builtins.post?.parameters).toContainEqual(expect.objectContaining({ name: 'x-jitar-data-encoding', in: 'header', required: true, schema: { type: 'string', enum: ['serialized'] } }));
        const body = builtins.post?.requestBody?.content['application/json'].schema.properties as Record<string, Json>;
        expect(body.date).toEqual({ $ref: '#/components/schemas/Serialized.Date' });
        expect(body.map).toMatchObject({ properties: { name: { const: 'Map' }, entries: { properties: { keys: { items: { type: 'string' } }, values: { items: { type: 'number' } } } } } });
        expect(body.bytes).toMatchObject({ allOf: [{ $ref: '#/components/schemas/Serialized.TypedArray' }], properties: { type: { const: 'Uint8Array' } } });
        expect(builtins.post?.responses[200]).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Serialized.Date' } } } });
    });

    test('a class parameter takes the class and its registered subclasses in their serialized form', () =>
    {
        expect(document.components.schemas['class.domain.Person.any']).toEqual({ anyOf: [{ $ref: '#/components/schemas/class.domain.Person' }, { $ref: '#/components/schemas/class.domain.VipPerson' }] });
        // The seed's form (answers to ?serialize=true), and the reference runtime's (answers to x-jitar-data-encoding).
        expect(document.components.schemas['class.domain.Person']).toMatchObject({ anyOf: [{
            type: 'object',
            properties: { serialized: { const: true }, name: { const: 'Person' }, key: { const: 'domain/Person' }, source: { const: 'domain/Person.js' }, args: { prefixItems: [{ description: 'name' }, { description: 'age' }], maxItems: 2 } },
            required: ['serialized', 'name', 'source', 'args']
        }, {
            type: 'object',
            properties: { serialized: { const: true }, name: { const: 'class' }, key: { const: 'domain/Person' }, args: { properties: { 0: { description: 'name' }, 1: { description: 'age' } }, additionalProperties: false } },
            required: ['serialized', 'name', 'key', 'args']
        }] });
        expect(document.components.schemas['class.domain.VipPerson']).toMatchObject({ anyOf: [
            { properties: { fields: { properties: { level: {} }, additionalProperties: false } } },
            { properties: { fields: { properties: { level: {} }, additionalProperties: false } } }
        ] });
    });

    test('the error statuses answer text, or the serialized error; the app\'s error classes are named under their status', () =>
    {
        const responses = document.components.responses;
        expect(responses.Error400.content).toEqual({ 'text/plain': { schema: { type: 'string', description: 'The error\'s message.' } } });
        expect(responses['Error500.serialized'].content?.['application/json'].schema).toEqual({ anyOf: [{ $ref: '#/components/schemas/Serialized.Error' }, { $ref: '#/components/schemas/class.domain.order.OrderError' }] });
        expect(responses.Error500.description).toContain('domain/order/OrderError');
        expect(manifest.classes.find(item => item.key === 'domain/order/OrderError')?.status).toBe(500);
        expect(manifest.classes.find(item => item.key === 'domain/Person')?.status).toBeUndefined();
    });

    test('what the serializer writes matches the documented forms', () =>
    {
        class Person
        {
            constructor(readonly name: string, readonly age: number) {}
        }
        class VipPerson extends Person
        {
            level = 2;
        }
        const resolver = createClassResolver(manifest.classes, new Map([['domain/Person', Person], ['domain/VipPerson', VipPerson]]));
        const compile = strictCompiler(document);
        const person = compile({ $ref: '#/components/schemas/class.domain.Person.any' });
        expect(person(serialize(new Person('Ann', 30), resolver))).toBe(true);
        expect(person(serialize(new VipPerson('Bob', 40), resolver))).toBe(true);
        expect(person({ serialized: true, name: 'Person', source: 'domain/Person.js', args: ['Ann', 30, 'extra'] })).toBe(false);

        const builtins = compile(document.paths['/rpc/domain/builtins'].post?.requestBody?.content['application/json'].schema);
        const values = {
            date: new Date(0), map: new Map([['a', 1]]), set: new Set([new Date(1)]), url: new URL('http://127.0.0.1/x'), pattern: /a+/g,
            bytes: new Uint8Array([1, 2]), floats: new Float64Array([0.5]), error: new TypeError('bad')
        };
        expect(builtins(serialize(values, resolver))).toBe(true);
        expect(builtins(serialize({ ...values, map: new Map([['a', 'not a number']]) }, resolver))).toBe(false);
    });
});

describe('a client generated from the document of a running standalone', () =>
{
    let app: { root: string; remove(): void };
    let standalone: JitarProcess | undefined;
    let gateway: JitarProcess | undefined;
    const written = (): Json => JSON.parse(readFileSync(join(app.root, 'dist/.jitar/openapi.json'), 'utf8')) as Json;

    beforeAll(async () =>
    {
        app = copyApp(join(REPOSITORY, 'examples/guestbook'), 'openapi');
        linkJitar(app.root);
        const built = runCli('jitar-compile', [], app.root);
        if (built.status !== 0) throw new Error(`jitar-compile failed:\n${built.stdout}${built.stderr}`);
        writeFileSync(join(app.root, 'services/plain.json'), JSON.stringify({ url: 'http://127.0.0.1:${PORT}', standalone: { segments: ['guestbook', 'visits'] } }));
        standalone = await startJitar(app.root, 'services/plain.json');
    }, 120_000);

    afterAll(async () =>
    {
        await standalone?.stop();
        await gateway?.stop();
        app.remove();
    });

    test('jitar-compile writes a valid document next to the manifest, and the standalone serves it', async () =>
    {
        await expectValid(written());
        const served = await fetch(`${standalone?.url}/openapi.json`);
        expect(served.status).toBe(200);
        expect(served.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await served.json()).toEqual(written());
    });

    test('calls the standalone: a class argument, a class result, an app error\'s status and the trust key\'s 401', () =>
    {
        const client = join(app.root, 'client');
        const generated = runNode(['--input-type=module', '-e', `
            import { createClient } from '@hey-api/openapi-ts';
            await createClient({ input: ${JSON.stringify(join(app.root, 'dist/.jitar/openapi.json'))}, output: { path: ${JSON.stringify(client)}, importFileExtension: '.js' }, plugins: ['@hey-api/client-fetch', '@hey-api/sdk', '@hey-api/typescript'], logs: { level: 'silent' } });
        `], REPOSITORY);
        expect(generated).toMatchObject({ status: 0 });

        // The calls are type-checked against the generated types: the Visitor must be sent in its serialized form.
        writeFileSync(join(client, 'call.ts'), `
            import { client } from './client.gen.js';
            import { guestbookListEntries, guestbookSignGuestbook, visitsCountVisitViaGet } from './sdk.gen.js';

            client.setConfig({ baseUrl: process.argv[2] });
            const headers = { 'x-jitar-procedure-version': '1.0.0', 'x-jitar-data-encoding': 'serialized' } as const;
            const visitor = (name: string, age: number) => ({ serialized: true as const, name: 'Visitor' as const, source: 'domain/Visitor.js' as const, args: [name, age] as [string, number] });
            const signed = await guestbookSignGuestbook({ headers, body: { visitor: visitor('Ann', 30), message: 'Hi' } });
            const refused = await guestbookSignGuestbook({ headers, body: { visitor: visitor('Bob', 12), message: 'Hi' } });
            const listed = await guestbookListEntries({ headers, body: {} });
            const untrusted = await visitsCountVisitViaGet({ headers: { 'x-jitar-procedure-version': '1.0.0' }, query: { name: 'Ann' } });
            console.log(JSON.stringify({
                signed: [signed.response.status, signed.data], refused: [refused.response.status, refused.error],
                listed: [listed.response.status, listed.data], untrusted: [untrusted.response.status, untrusted.error]
            }));
        `);
        writeFileSync(join(client, 'tsconfig.json'), JSON.stringify({
            compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, lib: ['ES2022', 'DOM'], types: ['node'], typeRoots: ['../node_modules/@types'], outDir: '../client-js' },
            include: ['**/*.ts']
        }));
        writeFileSync(join(client, 'package.json'), '{"type": "module"}');
        const compiled = runNode([join(REPOSITORY, 'node_modules/typescript/bin/tsc'), '-p', 'client/tsconfig.json'], app.root);
        expect(compiled.stdout + compiled.stderr).toBe('');
        writeFileSync(join(app.root, 'client-js/package.json'), '{"type": "module"}');

        const ran = runNode([join(app.root, 'client-js/call.js'), standalone?.url ?? ''], app.root);
        expect(ran.stderr).toBe('');
        const answers = JSON.parse(ran.stdout) as Record<string, [number, Json]>;
        // The client sends x-jitar-data-encoding: serialized, so classes come back in the reference runtime's form.
        expect(answers.signed).toEqual([200, expect.objectContaining({ serialized: true, key: 'domain/Entry', name: 'class', args: {
            0: expect.objectContaining({ key: 'domain/Visitor', name: 'class', args: { 0: 'Ann', 1: 30 } }), 1: 'Hi', 2: 1, 3: expect.objectContaining({ name: 'Date' })
        } })]);
        expect(answers.refused).toEqual([400, expect.objectContaining({ key: 'domain/InvalidEntry', args: { 0: 'Bob is 12: ask a grown-up to sign the guestbook' } })]);
        expect(answers.listed).toEqual([200, [expect.objectContaining({ key: 'domain/Entry' })]]);
        expect(answers.untrusted).toEqual([401, 'Request not trusted']);
    }, 120_000);

    test('a gateway serves the document of the build it starts in; "openapi": false turns it off', async () =>
    {
        writeFileSync(join(app.root, 'services/gateway-openapi.json'), JSON.stringify({ url: 'http://127.0.0.1:${PORT}', gateway: {} }));
        writeFileSync(join(app.root, 'services/no-openapi.json'), JSON.stringify({ url: 'http://127.0.0.1:${PORT}', gateway: { openapi: false } }));
        gateway = await startJitar(app.root, 'services/gateway-openapi.json');
        expect(await (await fetch(`${gateway.url}/openapi.json`)).json()).toEqual(written());
        await gateway.stop();

        gateway = await startJitar(app.root, 'services/no-openapi.json');
        expect((await fetch(`${gateway.url}/openapi.json`)).status).toBe(404);
    }, 60_000);

    test('"openapi": true with a build that has no document stops the start, naming the file', async () =>
    {
        const copy = copyApp(app.root, 'openapi-missing');
        try
        {
            linkJitar(copy.root);
            cpSync(join(app.root, 'dist'), join(copy.root, 'dist'), { recursive: true });
            rmSync(join(copy.root, 'dist/.jitar/openapi.json'));
            writeFileSync(join(copy.root, 'services/required.json'), JSON.stringify({ url: `http://127.0.0.1:${await freePort()}`, standalone: { segments: ['guestbook'], openapi: true } }));
            const started = await failingStart(copy.root, 'services/required.json');
            expect(started.code).toBe(1);
            expect(started.output).toContain(`'openapi' is true, but the build has no OpenAPI document at '${join(copy.root, 'dist/.jitar/openapi.json')}'`);
        }
        finally
        {
            copy.remove();
        }
    }, 60_000);
});
