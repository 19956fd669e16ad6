import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { prepareApp, startJitar, waitUntil, type JitarProcess } from './jitar-app.js';

/**
 * A standalone with `serializeCalls` sends every call between segments through the serializer and the
 * RPC handler, as a cluster does: on the split-safety fixture, front's call of people's `greet` with a
 * look-alike Person (the right shape, with a method, no Person) answers in the serializing standalone
 * exactly as in a gateway with a worker per segment, while a normal standalone lets it through.
 */

jest.setTimeout(90_000);

interface Answer { status: number; body: string }

async function call(url: string, fqn: string, args: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer>
{
    const response = await fetch(`${url}/rpc/${fqn}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(args) });
    return { status: response.status, body: await response.text() };
}

let app: ReturnType<typeof prepareApp>;
const started: JitarProcess[] = [];
let standalone: JitarProcess;
let serializing: JitarProcess;
let gateway: JitarProcess;

beforeAll(async () =>
{
    app = prepareApp('split-safety');
    [standalone, serializing, gateway] = await Promise.all([
        startJitar(app.root, 'services/standalone.json'),
        startJitar(app.root, 'services/standalone-serializing.json'),
        startJitar(app.root, 'services/gateway.json')
    ]);
    started.push(standalone, serializing, gateway);
    started.push(...await Promise.all(['front', 'people'].map(segment => startJitar(app.root, `services/worker-${segment}.json`, { GATEWAY: gateway.url }))));
    // Routed once the gateway knows both workers: the front worker's call of greet must find people's.
    await waitUntil(async () => (await call(gateway.url, 'front/welcome', { name: 'Ann' }).catch(() => ({ status: 0, body: '' }))).status === 200, 'the cluster to answer front/welcome');
});

afterAll(async () =>
{
    await Promise.all(started.map(process => process.stop()));
    app?.remove();
});

describe('a look-alike argument of a call between segments', () =>
{
    it('passes in a normal standalone: the call stays in the process with the caller\'s own object', async () =>
    {
        expect(await call(standalone.url, 'front/welcomeLookAlike', { name: 'Ann' })).toEqual({ status: 200, body: 'Hello, Ann (look-alike)!' });
    });

    it('fails in the cluster with a 400 naming the method that cannot cross', async () =>
    {
        const answer = await call(gateway.url, 'front/welcomeLookAlike', { name: 'Ann' });
        expect(answer.status).toBe(400);
        expect(answer.body).toMatch(/^Cannot serialize .*person\.introduce: Functions cannot be serialized/);
    });

    it('fails in the serializing standalone with the same status and message as in the cluster', async () =>
    {
        const [inCluster, inStandalone] = await Promise.all([
            call(gateway.url, 'front/welcomeLookAlike', { name: 'Ann' }),
            call(serializing.url, 'front/welcomeLookAlike', { name: 'Ann' })
        ]);
        expect(inStandalone).toEqual(inCluster);
    });
});

describe('a real instance of a registered class', () =>
{
    it('arrives as itself everywhere: normal standalone, serializing standalone and cluster', async () =>
    {
        const answers = await Promise.all([standalone, serializing, gateway].map(process => call(process.url, 'front/welcome', { name: 'Ann' })));
        expect(answers).toEqual(Array(3).fill({ status: 200, body: 'Hello, Ann!' }));
    });
});

describe('the serializing standalone', () =>
{
    it('still serves procedures to outside callers as a standalone does', async () =>
    {
        expect(await call(serializing.url, 'people/greet', { person: { name: 'Bo' } })).toEqual(await call(standalone.url, 'people/greet', { person: { name: 'Bo' } }));
    });

    it('passes the request\'s headers on to the called segment\'s middleware, as a worker does', async () =>
    {
        const bearer = { authorization: 'Bearer ann' };
        const [inCluster, inStandalone, inOneProcess] = await Promise.all([gateway, serializing, standalone].map(process => call(process.url, 'front/askWho', {}, bearer)));
        expect(inCluster).toEqual({ status: 200, body: 'ann' });
        expect(inStandalone).toEqual(inCluster);
        // In one process the inner call runs no middleware at all: the difference the switch shows.
        expect(inOneProcess).toEqual({ status: 200, body: 'anonymous' });
    });

    it('lets its own segments call a protected procedure without a trust key in the file, but no outside caller', async () =>
    {
        expect(await call(serializing.url, 'front/welcomeAudited', { name: 'Cy' })).toEqual({ status: 200, body: 'audited Cy' });
        expect((await call(serializing.url, 'people/audit', { name: 'Cy' })).status).toBe(401);
        expect((await call(serializing.url, 'people/audit', { name: 'Cy' })).status).toBe((await call(standalone.url, 'people/audit', { name: 'Cy' })).status);
    });

});
