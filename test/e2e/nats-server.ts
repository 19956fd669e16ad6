import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect as tcpConnect } from 'node:net';

import { freePort, waitUntil } from './jitar-app.js';

/**
 * A nats-server of a test file's own, on a free port of 127.0.0.1, so that the tests depend neither on
 * the machine's server nor on each other. scripts/ensure-nats.mjs makes sure there is one to run.
 */
export interface NatsServer
{
    url: string;
    port: number;
    /** Stops the server (SIGTERM, or SIGKILL with `hard`) by its PID and waits until it has exited. */
    stop(hard?: boolean): Promise<void>;
    /** Starts it again on the same port, and waits until it takes connections. */
    restart(): Promise<void>;
}

function serverBinary(): string
{
    const chosen = process.env.NATS_SERVER_PATH;
    if (chosen !== undefined && chosen !== '') return chosen;
    try
    {
        accessSync('/usr/sbin/nats-server', constants.X_OK);
        return '/usr/sbin/nats-server';
    }
    catch
    {
        if (spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0) return 'nats-server';
        throw new Error('nats-server is not installed: run node scripts/ensure-nats.mjs');
    }
}

function accepts(port: number): Promise<boolean>
{
    return new Promise(resolve =>
    {
        const socket = tcpConnect({ host: '127.0.0.1', port });
        socket.once('connect', () => { socket.destroy(); resolve(true); });
        socket.once('error', () => resolve(false));
    });
}

export async function startNatsServer(): Promise<NatsServer>
{
    const binary = serverBinary();
    const port = await freePort();
    let child: ChildProcess | undefined;
    let output = '';

    const start = async (): Promise<void> =>
    {
        const started = spawn(binary, ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
        started.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
        started.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
        child = started;
        await waitUntil(async () =>
        {
            if (started.exitCode !== null) throw new Error(`nats-server exited with ${started.exitCode}:\n${output}`);
            return accepts(port);
        }, `nats-server to take connections on port ${port}`);
    };

    await start();
    return {
        url: `nats://127.0.0.1:${port}`,
        port,
        stop: async (hard = false) =>
        {
            const running = child;
            if (running === undefined || running.exitCode !== null || running.signalCode !== null || running.pid === undefined) return;
            const exited = new Promise(resolve => running.once('exit', resolve));
            process.kill(running.pid, hard ? 'SIGKILL' : 'SIGTERM');
            await exited;
        },
        restart: start
    };
}
