import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, waitUntil } from './jitar-app.js';

/**
 * A nats-server of a test file's own, on a free port of 127.0.0.1, so that the tests depend neither on
 * the machine's server nor on each other. scripts/ensure-nats.mjs makes sure there is one to run.
 */
export interface NatsServer
{
    url: string;
    port: number;
    /** What the server wrote (its log). */
    output(): string;
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

/** How a test's server is set up beyond its address: its authorization and TLS. */
export interface NatsServerOptions
{
    /** More command-line options, such as `['--user', 'u', '--pass', 'p']` or `['--tls', ...]`. */
    args?: string[];
    /** A configuration file's content (nats-server's own format), for what has no option: nkey users, operator mode. */
    config?: string;
    /** The server speaks TLS: its address is tls://. */
    tls?: boolean;
    /** The port to listen on (that of a server stopped before, say); a free one by default. */
    port?: number;
}

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer>
{
    const binary = serverBinary();
    const port = options.port ?? await freePort();
    let child: ChildProcess | undefined;
    let output = '';
    const configDir = options.config === undefined ? undefined : mkdtempSync(join(tmpdir(), 'jitar-nats-server-'));
    const configArgs: string[] = [];
    if (configDir !== undefined && options.config !== undefined)
    {
        writeFileSync(join(configDir, 'server.conf'), options.config);
        configArgs.push('-c', join(configDir, 'server.conf'));
    }

    const start = async (): Promise<void> =>
    {
        // The address given on the command line wins over one in the configuration file.
        const started = spawn(binary, [...configArgs, ...options.args ?? [], '-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
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
        url: `${options.tls === true ? 'tls' : 'nats'}://127.0.0.1:${port}`,
        port,
        output: () => output,
        stop: async (hard = false) =>
        {
            const running = child;
            if (configDir !== undefined) rmSync(configDir, { recursive: true, force: true });
            if (running === undefined || running.exitCode !== null || running.signalCode !== null || running.pid === undefined) return;
            const exited = new Promise(resolve => running.once('exit', resolve));
            process.kill(running.pid, hard ? 'SIGKILL' : 'SIGTERM');
            await exited;
        },
        restart: start
    };
}
