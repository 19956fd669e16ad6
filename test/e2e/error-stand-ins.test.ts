import { prepareApp, startJitar, waitUntil, type JitarProcess } from './jitar-app.js';

/**
 * An error class that segment 'people' lists, declared beside its procedure, thrown in the people worker
 * and caught in the greetings worker, which cannot load that module: it arrives under its own name, with
 * its status and message, as a NotFound (before, the call failed to deserialize it).
 */
let app: { root: string; remove(): void };
const started: JitarProcess[] = [];

beforeAll(() => { app = prepareApp('error-stand-ins'); }, 120_000);
afterAll(async () =>
{
    for (const service of started.splice(0).reverse()) await service.stop();
    app?.remove();
});

test('caught in another worker as a class of its own name, with its status and message', async () =>
{
    const gateway = await startJitar(app.root, 'services/gateway.json');
    started.push(gateway);
    for (const service of ['services/people.json', 'services/greetings.json']) started.push(await startJitar(app.root, service, { GATEWAY: gateway.url }));
    const greet = (name: string): Promise<Response> => fetch(`${gateway.url}/rpc/greetings/greet?name=${name}`);
    await waitUntil(async () => (await greet('Ann')).status === 200, 'both workers to register at the gateway', 30_000);

    expect(await (await greet('Ann')).text()).toBe('Hello, Ann!');
    expect(await (await greet('Zed')).text()).toBe('PersonNotFound PersonNotFound 404 true Nobody called Zed');
    // Straight from the people worker through the gateway: its status, as before.
    const direct = await fetch(`${gateway.url}/rpc/people/findPerson?name=Zed`);
    expect([direct.status, await direct.text()]).toEqual([404, 'Nobody called Zed']);
}, 120_000);
