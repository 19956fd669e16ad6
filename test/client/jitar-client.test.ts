import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type * as ClientModule from '../../runtime/client/index.js';
import type { Manifest } from '../../runtime/manifest.js';
import { freePort, prepareApp, startJitar, type JitarProcess } from '../e2e/jitar-app.js';
import { importsOf, reachableFrom } from '../transformer/built-app.js';

/**
 * jitar/client as the built package gives it, calling a real standalone over fetch (Node's, the same API
 * as the browser's). The app's classes are loaded from its build, which imports the built package too,
 * so the error classes are one and the same.
 */
const LIB = fileURLToPath(new URL('../../lib/', import.meta.url));

type Client = typeof ClientModule;
interface PersonClass { new(name: string, age: number): { name: string; age: number } }

let app: { root: string; remove(): void };
let jitar: JitarProcess;
let client: Client;
let manifest: Manifest;
let Person: PersonClass;
let PersonNotFound: abstract new (...args: never[]) => Error;

beforeAll(async () =>
{
    app = prepareApp('rpc');
    jitar = await startJitar(app.root, 'services/standalone.json', { TRUST_KEY: 'sesame', LIFECYCLE_FILE: join(app.root, 'lifecycle.log') });
    client = await import(pathToFileURL(join(LIB, 'runtime/client/index.js')).href) as Client;
    manifest = JSON.parse(readFileSync(join(app.root, 'dist/.jitar/manifest.json'), 'utf8')) as Manifest;
    ({ Person } = await import(pathToFileURL(join(app.root, 'dist/domain/Person.js')).href) as { Person: PersonClass });
    ({ PersonNotFound } = await import(pathToFileURL(join(app.root, 'dist/person/getPerson.js')).href) as { PersonNotFound: typeof PersonNotFound });
});

afterAll(async () =>
{
    await jitar?.stop();
    app?.remove();
});

function clientWith(middleware: ClientModule.Middleware[] = [], remoteUrl = jitar.url): ClientModule.JitarClient
{
    return new client.JitarClient({
        manifest, remoteUrl, middleware,
        classes: [{ key: 'domain/Person', implementation: Person }, { key: 'person/PersonNotFound', implementation: PersonNotFound }]
    });
}

test('a class instance goes to the server and comes back as an instance of its class', async () =>
{
    const page = clientWith();
    expect(await page.run('domain/sayHello', '5.0.0', [new Person('Ann', 3)])).toBe('Hello, Ann!');
    const john = await page.run('person/getPerson', '0.0.0', []);
    expect(john).toBeInstanceOf(Person);
    expect(john).toEqual(new Person('John', 42));
    expect(await page.run('math/add', '0.0.0', [2, 3])).toBe(5);
});

test('server errors are thrown as their classes, the app\'s and jitar\'s, with status and message', async () =>
{
    const page = clientWith();
    const notFound = await page.run('person/getPerson', '0.0.0', ['mary']).catch((error: unknown) => error);
    expect(notFound).toBeInstanceOf(PersonNotFound);
    expect(notFound).toBeInstanceOf(client.NotFound);
    expect(notFound).toMatchObject({ status: 404, message: 'Person not found for id mary' });

    const teapot = await page.run('errors/fail', '0.0.0', ['Teapot']).catch((error: unknown) => error);
    expect(teapot).toBeInstanceOf(client.Teapot);
    expect(teapot).toMatchObject({ status: 418, message: 'Teapot happened' });

    await expect(page.run('secure/secret', '0.0.0', [])).rejects.toMatchObject({ status: 401, message: 'Request not trusted' });
});

test('client middleware adds headers, sees the answer, and may replace a failed one', async () =>
{
    const seen: string[] = [];
    const page = clientWith([
        {
            async handle(request, next)
            {
                request.setHeader('authorization', 'Bearer alice');
                const response = await next();
                seen.push(`${request.fqn} ${response.status} ${response.getHeader('x-handled-by') ?? '-'}`);
                return response;
            }
        },
        {
            async handle(request, next)
            {
                const response = await next();
                if (response.status === 404 && request.fqn === 'person/getPerson') Object.assign(response, { status: 200, result: 'nobody' });
                return response;
            }
        }
    ]);
    expect(await page.run('types/whoAmI', '0.0.0', [])).toBe('alice');
    expect(await page.run('person/getPerson', '0.0.0', ['mary'])).toBe('nobody');
    expect(seen).toEqual(['types/whoAmI 200 auth', 'person/getPerson 200 auth']);
});

test('middleware added after the client started applies to the next calls', async () =>
{
    const page = clientWith();
    expect(await page.run('types/whoAmI', '0.0.0', [])).toBe('anonymous');
    page.use({ handle: (request, next) => { request.setHeader('authorization', 'Bearer bob'); return next(); } });
    expect(await page.run('types/whoAmI', '0.0.0', [])).toBe('bob');
});

test('a server that cannot be reached is named in the error, with the procedure', async () =>
{
    const port = await freePort();
    await expect(clientWith([], `http://127.0.0.1:${port}/`).run('domain/sayHello', '0.0.0', ['x']))
        .rejects.toThrow(`Cannot reach http://127.0.0.1:${port} to run 'domain/sayHello': fetch failed`);
});

test('procedures the client does not know fail without a request', async () =>
{
    const requests: string[] = [];
    const page = new client.JitarClient({ manifest, remoteUrl: jitar.url, fetch: async url => { requests.push(url); return new Response(''); } });
    await expect(page.run('nowhere/toBeFound', '1.0.0', [])).rejects.toThrow("Procedure 'nowhere/toBeFound' not found");
    await expect(page.run('internal/hidden', '0.0.0', [])).rejects.toBeInstanceOf(client.ProcedureNotAccessible);
    expect(requests).toEqual([]);
});

test('jitar/client and the browser entry of jitar import nothing from Node, nor any other package', () =>
{
    for (const entry of ['runtime/client/index.js', 'runtime/browser.js'])
    {
        const files = reachableFrom(LIB, entry);
        expect(files.size).toBeGreaterThan(5);
        for (const file of files)
        {
            const outside = importsOf(readFileSync(join(LIB, file), 'utf8')).filter(specifier => !specifier.startsWith('./') && !specifier.startsWith('../'));
            expect({ file, outside }).toEqual({ file, outside: [] });
        }
    }
});
