import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { runCli } from '../cli/run-cli.js';
import { prepareApp, startJitar, type JitarProcess } from './jitar-app.js';

/**
 * A proxy's /health, as Jitar's proxy answers it: the reports of the repository and of the gateway or
 * worker behind it, merged into one, and /health/status true only when each of them is healthy.
 */
let app: { root: string; remove(): void };
const started: JitarProcess[] = [];

beforeAll(() =>
{
    app = prepareApp('rpc');
    writeFileSync(join(app.root, 'src/health/disk.ts'), `export default { name: 'disk', isHealthy: async (): Promise<boolean> => true };\n`);
    const built = runCli('jitar-compile', [], app.root);
    if (built.status !== 0) throw new Error(built.stdout + built.stderr);
    const service = (name: string, body: object): void => writeFileSync(join(app.root, 'services', name), JSON.stringify(body, null, 4));
    service('repository-health.json', { url: 'http://127.0.0.1:${PORT}', healthChecks: ['./health/disk'], repository: {} });
    service('worker-healthy.json', { url: 'http://127.0.0.1:${PORT}', healthChecks: ['./health/database'], worker: { segments: ['main'] } });
    service('proxy-health.json', { url: 'http://127.0.0.1:${PORT}', proxy: { worker: '${WORKER}', repository: '${REPOSITORY}' } });
    service('proxy-no-repository.json', { url: 'http://127.0.0.1:${PORT}', proxy: { worker: '${WORKER}' } });
}, 120_000);

afterEach(async () => { for (const service of started.splice(0).reverse()) await service.stop(); });
afterAll(() => app?.remove());

async function start(service: string, env: Record<string, string> = {}): Promise<JitarProcess>
{
    const process = await startJitar(app.root, service, env);
    started.push(process);
    return process;
}

async function health(url: string): Promise<{ report: unknown; status: string }>
{
    const report = await (await fetch(`${url}/health`)).json() as unknown;
    const status = await (await fetch(`${url}/health/status`)).text();
    return { report, status };
}

test('healthy services behind it: one report of all their checks, and status true', async () =>
{
    const repository = await start('services/repository-health.json');
    const worker = await start('services/worker-healthy.json');
    const proxy = await start('services/proxy-health.json', { WORKER: worker.url, REPOSITORY: repository.url });
    expect(await health(repository.url)).toEqual({ report: { disk: true }, status: 'true' });
    expect(await health(proxy.url)).toEqual({ report: { disk: true, database: true }, status: 'true' });
}, 120_000);

test('an unhealthy check behind it makes the proxy unhealthy, and the report says which', async () =>
{
    const worker = await start('services/worker.json');
    const proxy = await start('services/proxy-no-repository.json', { WORKER: worker.url });
    expect(await health(proxy.url)).toEqual({ report: { database: true, slow: false }, status: 'false' });
}, 120_000);

test('a service behind it that cannot be asked shows as its role, false, instead of failing the request', async () =>
{
    const repository = await start('services/repository-health.json');
    const worker = await start('services/worker-healthy.json');
    const proxy = await start('services/proxy-health.json', { WORKER: worker.url, REPOSITORY: repository.url });
    await repository.stop();
    expect(await health(proxy.url)).toEqual({ report: { repository: false, database: true }, status: 'false' });
}, 120_000);
