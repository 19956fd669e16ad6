import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { fixtureApp } from '../transformer/fixture-apps.js';
import { copyApp, prepareApp, startJitar, waitUntil, type JitarProcess } from './jitar-app.js';

/**
 * Statuses that tell a client the truth, with real processes on 127.0.0.1 (fixture app 'statuses'):
 * a gateway that restarted answers 503 (try again), not 404, until its workers are back; a hung worker
 * (SIGSTOP) is out of rotation after its first timeout, and back once it reports; a procedure that never
 * returns is answered 504 and the process goes on serving. Timings in the service files are generous; the
 * tests wait for states.
 */

jest.setTimeout(120_000);

const WHO = 'rpc/calls/whoAnswers';

interface Answer
{
    status: number;
    body: string;
}

async function call(process: JitarProcess, path: string): Promise<Answer>
{
    const response = await fetch(`${process.url}/${path}`);
    return { status: response.status, body: await response.text() };
}

interface AvailableWorker
{
    url: string;
    state: string;
}

async function availableWorkers(gateway: JitarProcess): Promise<string[]>
{
    const workers = await (await fetch(`${gateway.url}/workers`)).json() as AvailableWorker[];
    return workers.filter(worker => worker.state === 'available').map(worker => worker.url);
}

function signal(process: JitarProcess, name: 'SIGSTOP' | 'SIGCONT'): void
{
    if (process.process.pid === undefined) throw new Error('no pid');
    globalThis.process.kill(process.process.pid, name);
}

/** A stopped process must run again to take the SIGTERM that ends it; those that exited are left. */
function resumeAll(processes: readonly JitarProcess[]): void
{
    for (const process of processes)
    {
        if (process.process.exitCode === null && process.process.signalCode === null) signal(process, 'SIGCONT');
    }
}

/** Calls `path` from `concurrency` loops, each waiting for its answer before it calls again, until stopped. */
function steadyLoad(process: JitarProcess, path: string, concurrency: number)
{
    const answers: Answer[] = [];
    let running = true;
    const loop = async (): Promise<void> =>
    {
        while (running) answers.push(await call(process, path));
    };
    const loops = Array.from({ length: concurrency }, loop);
    return {
        answers,
        stop: async () => { running = false; await Promise.all(loops); }
    };
}

describe('a gateway that restarted', () =>
{
    const app = prepareApp('statuses');
    const processes: JitarProcess[] = [];

    afterAll(async () =>
    {
        resumeAll(processes);
        await Promise.all(processes.map(process => process.stop()));
        app.remove();
    });

    it('answers 503 for the names of its build until a worker registers again, never 404', async () =>
    {
        const first = await startJitar(app.root, 'services/gateway.json');
        processes.push(first);
        const worker = await startJitar(app.root, 'services/worker.json', { GATEWAY: first.url, WORKER_NAME: 'A' });
        processes.push(worker);
        await waitUntil(async () => (await availableWorkers(first)).length === 1, 'the worker to register');
        expect(await call(first, WHO)).toEqual({ status: 200, body: 'A' });

        // The worker is held still, so that the gateway's new life starts without it, whatever the timing.
        signal(worker, 'SIGSTOP');
        await first.stop();
        const port = new URL(first.url).port;
        const second = await startJitar(app.root, 'services/gateway.json', { PORT: port });
        processes.push(second);

        expect(await call(second, WHO)).toEqual({ status: 503, body: expect.stringContaining('No worker serves \'calls/whoAnswers\' yet') });
        // A name the build does not list is still unknown.
        expect((await call(second, 'rpc/calls/madeUp')).status).toBe(404);

        signal(worker, 'SIGCONT');
        const statuses: number[] = [];
        await waitUntil(async () =>
        {
            const answer = await call(second, WHO);
            statuses.push(answer.status);
            return answer.status === 200;
        }, 'the worker to register at the new gateway');
        expect(statuses.filter(status => status !== 503 && status !== 200)).toEqual([]);
        expect(statuses.at(-1)).toBe(200);
    });

    it('without a build, answers 503 for any name while its workers may still come back, 404 after', async () =>
    {
        // The app's source without a build: the gateway cannot know which names there are.
        const bare = copyApp(fixtureApp('statuses'), 'statuses-bare');
        try
        {
            const gateway = await startJitar(bare.root, 'services/gateway-short-grace.json');
            processes.push(gateway);
            expect(gateway.output()).toContain('No app build here');
            const during = await call(gateway, 'rpc/calls/anything');
            await waitUntil(async () => (await call(gateway, 'rpc/calls/anything')).status === 404, 'the grace period (stoppedThreshold, 4 s) to end');
            expect(during).toEqual({ status: 503, body: expect.stringContaining('No worker serves \'calls/anything\' yet') });
        }
        finally
        {
            bare.remove();
        }
    });
});

describe('a worker that hangs', () =>
{
    const app = prepareApp('statuses');
    const processes: JitarProcess[] = [];
    let gateway: JitarProcess;
    let hung: JitarProcess;

    beforeAll(async () =>
    {
        gateway = await startJitar(app.root, 'services/gateway.json');
        processes.push(gateway);
        hung = await startJitar(app.root, 'services/worker.json', { GATEWAY: gateway.url, WORKER_NAME: 'hung' });
        processes.push(hung);
        processes.push(await startJitar(app.root, 'services/worker.json', { GATEWAY: gateway.url, WORKER_NAME: 'healthy' }));
        await waitUntil(async () => (await availableWorkers(gateway)).length === 2, 'both workers to register');
    });

    afterAll(async () =>
    {
        resumeAll(processes);
        await Promise.all(processes.map(process => process.stop()));
        app.remove();
    });

    it('is out of rotation after its first timeout, and back after it reports again', async () =>
    {
        const concurrency = 8;
        const load = steadyLoad(gateway, WHO, concurrency);
        try
        {
            const answered = (name: string): number => load.answers.filter(answer => answer.status === 200 && answer.body === name).length;
            await waitUntil(() => answered('hung') > 20 && answered('healthy') > 20, 'both workers to answer');

            signal(hung, 'SIGSTOP');
            const stoppedAt = load.answers.length;
            const timeouts = (): number => load.answers.slice(stoppedAt).filter(answer => answer.status === 504).length;
            // The gateway's requestTimeout is 3 s; its thresholds for missed reports are minutes.
            await waitUntil(() => timeouts() > 0, 'a call to the hung worker to time out');
            await waitUntil(async () => !(await availableWorkers(gateway)).includes(hung.url), 'the gateway to take the hung worker out of rotation');
            const servedAfter = answered('healthy');
            await waitUntil(() => answered('healthy') > servedAfter + 200, 'the healthy worker to take the traffic');
            // Only calls that were already with the hung worker time out: at most one per loop.
            expect(timeouts()).toBeGreaterThanOrEqual(1);
            expect(timeouts()).toBeLessThanOrEqual(concurrency);
            expect(load.answers.slice(stoppedAt).filter(answer => answer.status !== 200 && answer.status !== 504)).toEqual([]);

            signal(hung, 'SIGCONT');
            const before = answered('hung');
            await waitUntil(() => answered('hung') > before, 'the worker to be back in rotation after it reports');
            expect(await availableWorkers(gateway)).toContain(hung.url);
        }
        finally
        {
            await load.stop();
        }
    });
});

describe('a procedure that never returns', () =>
{
    const app = prepareApp('statuses');
    let standalone: JitarProcess;

    beforeAll(async () =>
    {
        standalone = await startJitar(app.root, 'services/standalone.json', { WORKER_NAME: 'standalone' });
    });

    afterAll(async () =>
    {
        await standalone.stop();
        app.remove();
    });

    it('is answered 504 naming it and the limit, and the process keeps serving', async () =>
    {
        const answers = await Promise.all([call(standalone, 'rpc/calls/never'), call(standalone, 'rpc/calls/never'), call(standalone, WHO)]);
        expect(answers[2]).toEqual({ status: 200, body: 'standalone' });
        for (const answer of answers.slice(0, 2))
        {
            expect(answer.status).toBe(504);
            expect(answer.body).toContain('Procedure \'calls/never\' did not return within 1500 ms');
        }
        expect(await call(standalone, WHO)).toEqual({ status: 200, body: 'standalone' });
        await waitUntil(() => standalone.output().includes('did not return within 1500 ms'), 'the abandoned call to be logged');
    });
});
