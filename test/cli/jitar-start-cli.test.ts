import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { exampleCall, startBanner } from '../../cli/start-banner.js';
import type { Manifest } from '../../runtime/manifest.js';
import { listenFailure } from '../../runtime/services/listen-failure.js';
import { createServiceLogger } from '../../runtime/logging/service-logger.js';
import { fixtureApp } from '../transformer/fixture-apps.js';
import { failingStart, freePort, prepareApp, startJitar, type JitarProcess } from '../e2e/jitar-app.js';
import { runCli } from './run-cli.js';

/**
 * `jitar start` as a person meets it: its help, its answers to mistyped flags and to a port in use, the
 * banner with a curl line that works as printed, and log lines that suit where they go.
 */

jest.setTimeout(60_000);

const JITAR = fileURLToPath(new URL('../../lib/cli/jitar.js', import.meta.url));
const { version: PACKAGE_VERSION } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const ANYWHERE = fixtureApp('minimal');
const hasCommand = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

describe('help', () =>
{
    it('jitar start --help gives the options of start only', () =>
    {
        const run = runCli('jitar', ['start', '--help'], ANYWHERE);
        expect([run.status, run.stderr]).toEqual([0, '']);
        expect(run.stdout).toMatch(/^Usage: jitar start --service=<file> \[options\]\n/);
        for (const option of ['--service=<file>', '--log-level=<level>', '--log-format=<format>', '--env-file=<file>', '--http-body-limit=<bytes>', '--help']) expect(run.stdout).toContain(option);
        expect(run.stdout).not.toContain('--name');
        expect(run.stdout).not.toContain('Commands:');
        expect(runCli('jitar', ['start', '-h'], ANYWHERE).stdout).toBe(run.stdout);
        expect(runCli('jitar', ['help', 'start'], ANYWHERE).stdout).toBe(run.stdout);
    });

    it('jitar init --help gives the options of init only', () =>
    {
        const run = runCli('jitar', ['init', '--help'], ANYWHERE);
        expect([run.status, run.stderr]).toEqual([0, '']);
        expect(run.stdout).toMatch(/^Usage: jitar init --name=<name> \[options\]\n/);
        expect(run.stdout).toContain('--template=<template>');
        expect(run.stdout).not.toContain('--service');
    });

    it('jitar --help lists the commands and points to their help; jitar-compile --help gives its own', () =>
    {
        const run = runCli('jitar', ['--help'], ANYWHERE);
        expect(run.stdout).toMatch(/^Usage: jitar <command> \[options\]\n[\s\S]*Commands:[\s\S]*jitar <command> --help lists the options of a command/);
        expect(runCli('jitar', [], ANYWHERE).stdout).toBe(run.stdout);
        expect(runCli('jitar-compile', ['--help'], ANYWHERE).stdout).toMatch(/^Usage: jitar-compile \[options\]\n[\s\S]*--manifest-only/);
    });
});

describe('mistakes on the command line get one line of ours, and exit 1', () =>
{
    it.each([
        [['start', '--sevice=services/standalone.json'], "Unknown option '--sevice' for jitar start; did you mean --service? See jitar start --help"],
        [['start', '--log-levle', 'debug'], "Unknown option '--log-levle' for jitar start; did you mean --log-level? See jitar start --help"],
        [['start', '--frobnicate'], "Unknown option '--frobnicate' for jitar start. See jitar start --help"],
        [['start', '-x'], "Unknown option '-x' for jitar start. See jitar start --help"],
        [['init', '--service=services/standalone.json'], "Option '--service' is for jitar start, not jitar init. See jitar init --help"],
        [['start', '--name=app', '--service=s.json'], "Option '--name' is for jitar init, not jitar start. See jitar start --help"],
        [['start', '--service'], "Option '--service' of jitar start needs a value: --service=<value>. See jitar start --help"],
        [['start', '--help=yes'], "Option '--help' of jitar start takes no value. See jitar start --help"],
        [['start', 'services/standalone.json'], "Unexpected argument 'services/standalone.json' for jitar start; options are written --name=value. See jitar start --help"],
        [['start', '--service=s.json', '--log-format=xml'], "Invalid --log-format 'xml'; use json or pretty"],
        [['--servce=s.json'], "Unknown option '--servce' for jitar. See jitar --help"],
        [['strat'], "Unknown command 'strat'; did you mean start? See jitar --help"],
        [['version', '--all'], "Unknown option '--all' for jitar version. See jitar version --help"]
    ])('jitar %j', (args, message) =>
    {
        const run = runCli('jitar', args, ANYWHERE);
        expect(run).toEqual({ status: 1, stdout: '', stderr: `${message}\n` });
    });

    it('jitar-compile too', () =>
    {
        expect(runCli('jitar-compile', ['--manifest'], ANYWHERE)).toEqual({ status: 1, stdout: '', stderr: "Unknown option '--manifest' for jitar-compile; did you mean --manifest-only? See jitar-compile --help\n" });
    });
});

describe('an address the service cannot listen on', () =>
{
    let app: ReturnType<typeof prepareApp>;
    let occupier: Server;
    let port: number;

    beforeAll(async () =>
    {
        app = prepareApp('versions');
        port = await freePort();
        occupier = createServer();
        await new Promise<void>((resolve, reject) => { occupier.once('error', reject); occupier.listen(port, '127.0.0.1', resolve); });
    });

    afterAll(async () =>
    {
        await new Promise(resolve => occupier.close(resolve));
        app.remove();
    });

    it('a port in use ends the start with one line naming the service file and the port', async () =>
    {
        const result = await failingStart(app.root, 'services/standalone.json', { PORT: String(port) });
        expect(result).toEqual({ code: 1, output: `services/standalone.json: port ${port} of http://127.0.0.1:${port} is in use by another process; stop it or change 'url'\n` });
    });

    const address = { url: 'http://127.0.0.1:80', host: '127.0.0.1', port: 80 };
    const failure = (code: string): string | undefined => listenFailure(Object.assign(new Error(`listen ${code}`), { code }), 'services/s.json', address)?.message;

    it('a port that needs rights, a host of another machine and one that does not resolve are named the same way', () =>
    {
        expect(failure('EACCES')).toBe("services/s.json: port 80 of http://127.0.0.1:80 may not be listened on by this user (ports below 1024 need administrator rights); use a port from 1024 up in 'url'");
        expect(failure('EADDRNOTAVAIL')).toBe("services/s.json: host 127.0.0.1 of http://127.0.0.1:80 is not an address of this machine, so nothing can listen on it; change 'url' (127.0.0.1 is this machine)");
        expect(failure('ENOTFOUND')).toBe("services/s.json: host 127.0.0.1 of http://127.0.0.1:80 cannot be resolved to an address; change 'url'");
    });

    it('any other failure keeps its own message', () =>
    {
        expect(failure('EMFILE')).toBeUndefined();
        expect(listenFailure('not an error', 'services/s.json', address)).toBeUndefined();
    });
});

/** Runs a curl line as printed (with curl when the machine has it, else the same request with fetch). */
async function runPrinted(command: string): Promise<{ status: number; body: string }>
{
    if (hasCommand('curl'))
    {
        const run = spawnSync('sh', ['-c', `${command} --silent --show-error --write-out '\\n%{http_code}'`], { encoding: 'utf8', timeout: 30_000 });
        const lines = run.stdout.split('\n');
        return { status: Number(lines.pop()), body: lines.join('\n') };
    }
    const match = /^curl '([^']+)'(?: -H '([^:]+): ([^']+)')?$/.exec(command);
    if (match === null) throw new Error(`not a curl line this test can run: ${command}`);
    const [, url, header, value] = match;
    const response = await fetch(url, { headers: header === undefined ? {} : { [header]: value } });
    return { status: response.status, body: await response.text() };
}

describe('the start banner', () =>
{
    let app: ReturnType<typeof prepareApp>;
    let standalone: JitarProcess;

    beforeAll(async () =>
    {
        app = prepareApp('versions');
        standalone = await startJitar(app.root, 'services/standalone.json');
    });

    afterAll(async () =>
    {
        await standalone?.stop();
        app?.remove();
    });

    it('names each procedure with its version, access and parameters, and a curl line', () =>
    {
        const url = standalone.url;
        expect(standalone.output()).toBe([
            `jitar ${PACKAGE_VERSION} serves ${url}`,
            'RPC procedures:',
            '  greeting/greet@1.2.0   public     (name, times, loud)',
            '  report/summary@1.0.0   public     ()',
            '  report/summary@2.0.0   public     ()',
            '  report/summary@3.0.0   protected  ()',
            `Try: curl '${url}/rpc/report/summary' -H 'x-jitar-procedure-version: 1.0.0'`,
            ''
        ].join('\n'));
    });

    it('prints a curl line that works when run', async () =>
    {
        const line = standalone.output().split('\n').find(text => text.startsWith('Try: '));
        expect(await runPrinted((line ?? '').slice('Try: '.length))).toEqual({ status: 200, body: 'summary v1 (from the draft summary)' });
    });

    it('shows required arguments as query strings with values their schemas accept', async () =>
    {
        const manifest = JSON.parse(readFileSync(join(app.root, 'dist/.jitar/manifest.json'), 'utf8')) as Manifest;
        const greet = manifest.procedures.filter(procedure => procedure.fqn === 'greeting/greet');
        const command = exampleCall({ url: standalone.url, procedures: greet });
        expect(command).toBe(`curl '${standalone.url}/rpc/greeting/greet?name=example&times=1&loud=true' -H 'x-jitar-procedure-version: 1.2.0'`);
        expect(await runPrinted(command ?? '')).toEqual({ status: 200, body: 'HELLO, EXAMPLE!' });
    });

    it('prints no curl line when no public procedure can be called from one (protected ones need the trust key)', () =>
    {
        const manifest = JSON.parse(readFileSync(join(app.root, 'dist/.jitar/manifest.json'), 'utf8')) as Manifest;
        const protectedOnly = manifest.procedures.filter(procedure => procedure.access === 'protected');
        expect(startBanner('1.0.0', { url: 'http://127.0.0.1:1', procedures: protectedOnly })).toEqual([
            'jitar 1.0.0 serves http://127.0.0.1:1', 'RPC procedures:', '  report/summary@3.0.0   protected  ()'
        ]);
        expect(startBanner('1.0.0', { url: 'http://127.0.0.1:1', procedures: [] })).toEqual(['jitar 1.0.0 serves http://127.0.0.1:1']);
    });
});

// eslint-disable-next-line no-control-regex
const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '').replaceAll('\r\n', '\n');
const PRETTY_REQUEST = /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: incoming request$/m;

/** Waits for `text` to hold a match of `pattern`; `text` is read again each time. */
async function waitFor(text: () => string, pattern: RegExp, what: string): Promise<void>
{
    const deadline = Date.now() + 20_000;
    while (!pattern.test(text()))
    {
        if (Date.now() > deadline) throw new Error(`no ${what} within 20 s:\n${text()}`);
        await new Promise(resolve => setTimeout(resolve, 50));
    }
}

describe('log lines', () =>
{
    let app: ReturnType<typeof prepareApp>;

    beforeAll(() => { app = prepareApp('versions'); });
    afterAll(() => app.remove());

    /** Starts the standalone with request logging, asks it once, stops it: its output. */
    async function logOfOneRequest(args: string[]): Promise<string>
    {
        const process = await startJitar(app.root, 'services/standalone.json', {}, ['--log-level=debug', ...args]);
        await fetch(`${process.url}/rpc/report/summary`, { headers: { 'x-jitar-procedure-version': '2' } });
        await waitFor(process.output, /request completed/, 'log of the request');
        await process.stop();
        return process.output();
    }

    it('are JSON objects when stdout is a pipe', async () =>
    {
        const entries = (await logOfOneRequest([])).split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as { msg: string; level: number });
        expect(entries.map(entry => entry.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    });

    it('are readable with --log-format=pretty, even into a pipe', async () =>
    {
        const output = plain(await logOfOneRequest(['--log-format=pretty']));
        expect(output).toMatch(PRETTY_REQUEST);
        expect(output).not.toMatch(/^\{/m);
    });

    it('follow the terminal, and the format given, in the logger factory', () =>
    {
        const written = (options: { isTTY?: boolean; format?: 'json' | 'pretty' }): string =>
        {
            const destination = new PassThrough();
            let text = '';
            destination.on('data', (chunk: Buffer) => { text += chunk.toString(); });
            createServiceLogger({ level: 'info', destination, ...options }).info({ fqn: 'a/b' }, 'hello');
            return plain(text);
        };
        expect(JSON.parse(written({ isTTY: false }))).toMatchObject({ level: 30, msg: 'hello', fqn: 'a/b' });
        expect(written({ isTTY: true })).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: hello\n {4}fqn: "a\/b"\n$/);
        expect(JSON.parse(written({ isTTY: true, format: 'json' }))).toMatchObject({ msg: 'hello' });
        expect(written({ isTTY: false, format: 'pretty' })).toMatch(/INFO: hello/);
    });

    /** `jitar start` under a pseudo-terminal (util-linux's script): its output, after one request. */
    async function underTerminal(args: string[]): Promise<string>
    {
        const port = await freePort();
        const quote = (text: string): string => `'${text.replaceAll('\'', '\'\\\'\'')}'`;
        const command = [process.execPath, JITAR, 'start', '--service=services/standalone.json', '--log-level=debug', ...args].map(quote).join(' ');
        const child = spawn('script', ['-qc', command, '/dev/null'], { cwd: app.root, env: { ...process.env, PORT: String(port) }, stdio: ['pipe', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
        child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
        const exited = new Promise(resolve => child.once('exit', resolve));
        try
        {
            await waitFor(() => output, /serves http/, 'start');
            await fetch(`http://127.0.0.1:${port}/rpc/report/summary`, { headers: { 'x-jitar-procedure-version': '2' } });
            await waitFor(() => output, /request completed/, 'log of the request');
        }
        finally
        {
            // script ends the command it runs when it is told to end.
            if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
            await exited;
        }
        return plain(output);
    }

    (hasCommand('script') ? it : it.skip)('are readable lines on a real terminal, JSON there with --log-format=json', async () =>
    {
        const pretty = await underTerminal([]);
        expect(pretty).toMatch(PRETTY_REQUEST);
        expect(pretty).toContain(`jitar ${PACKAGE_VERSION} serves http://127.0.0.1:`);
        const json = await underTerminal(['--log-format=json']);
        expect(json).not.toMatch(PRETTY_REQUEST);
        expect(json.split('\n').filter(line => line.startsWith('{')).map(line => (JSON.parse(line) as { msg: string }).msg)).toContain('incoming request');
    });
});
