#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { closestMatch } from 'leven';

import { isLogFormat, LOG_FORMATS, type LogFormat } from '../runtime/logging/log-format.js';
import { packageVersion } from '../runtime/version.js';
import { parseCommand, parseOrExit, type Command } from './arguments.js';
import { startBanner } from './start-banner.js';
import { enableCompileCache } from './compile-cache.js';

enableCompileCache();

const USAGE = `Usage: jitar <command> [options]

Commands:
  build      build the app laid out as Jitar's (source: tsc's output folder), after tsc
  dev        build, serve the whole app in one process, and serve each change as it is saved
  start      start one process of the app, as its service file says
  init       write a starter app into a new folder
  version    print the version of jitar
  help       print this help, or a command's: jitar help start

jitar <command> --help lists the options of a command.
Build the app first with jitar-compile (see jitar-compile --help), or, for an app laid out as Jitar's,
with tsc && jitar build.`;

const START = {
    name: 'jitar start',
    usage: `Usage: jitar start --service=<file> [options]

Starts one process of the app (a standalone, worker, gateway, repository or proxy) as its service file
says, lists the RPC procedures it serves, and serves until SIGINT or SIGTERM.

Options:
  --service=<file>          the service file (required), e.g. services/standalone.json
  --log-level=<level>       debug, info, warn, error or fatal (default: info)
  --log-format=<format>     pretty (readable lines) or json (a JSON object per line); default: pretty
                            when stdout is a terminal, json otherwise
  --env-file=<file>         environment variables to load (default: .env when there is one)
  --http-body-limit=<bytes> the largest request body accepted (default: 1048576)
  --help                    print this help`,
    options: {
        service: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        'env-file': { type: 'string' },
        'http-body-limit': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
    }
} as const satisfies Command;

const DEV = {
    name: 'jitar dev',
    usage: `Usage: jitar dev [options]

Builds the app, serves every segment in one standalone (and the page through Vite's dev server when the
app has a Vite configuration, /rpc forwarded to the standalone), and watches the sources, segment files,
resources and service file. On a change only what it touches is checked and emitted, and the standalone
serves the new code without a restart. A change with errors prints them and the last good build keeps
serving. Stops on SIGINT or SIGTERM.

Options:
  --service=<file>          the app's standalone service file whose settings to keep
                            (default: services/standalone.json when there is one)
  --port=<port>             the port to serve on instead of the service file's
  --vite-port=<port>        the port of Vite's dev server (default: Vite's)
  --config=<file>           jitar.json to use (default: ./jitar.json, else the defaults)
  --project=<file>          tsconfig.json to build with (default: the app root's)
  --log-level=<level>       debug, info, warn, error or fatal (default: info)
  --log-format=<format>     pretty or json (default: pretty when stdout is a terminal)
  --env-file=<file>         environment variables to load (default: .env when there is one)
  --help                    print this help`,
    options: {
        service: { type: 'string' },
        port: { type: 'string' },
        'vite-port': { type: 'string' },
        config: { type: 'string' },
        project: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        'env-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
    }
} as const satisfies Command;

const BUILD = {
    name: 'jitar build',
    usage: `Usage: jitar build [options]

Builds an app laid out as Jitar's, after its own tsc: jitar.json's 'source' is tsc's output folder
(./dist) and 'target' the build folder (./build). jitar build finds the tsconfig whose outDir is
'source', analyses and type-checks the TypeScript it compiles (its rootDir), and writes into 'target'
what jitar-compile writes: the manifest, the segment entries and proxies, and the app's JavaScript.
'build.ignore' in jitar.json (globs relative to 'source') leaves files out. For an app whose 'source'
is its TypeScript folder, use jitar-compile.

Options:
  --config=<file>           jitar.json to use (default: ./jitar.json)
  --project=<file>          the tsconfig whose outDir is 'source' (default: found in the app's root)
  --verbose                 list every procedure and class per segment
  --help                    print this help`,
    options: {
        config: { type: 'string' },
        project: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
    }
} as const satisfies Command;

const INIT = {
    name: 'jitar init',
    usage: `Usage: jitar init --name=<name> [options]

Writes a starter app into a new folder of that name.

Options:
  --name=<name>             the app's folder and package name (required)
  --template=<template>     backend, react or vue (default: backend)
  --help                    print this help`,
    options: {
        name: { type: 'string' },
        template: { type: 'string' },
        help: { type: 'boolean', short: 'h' }
    }
} as const satisfies Command;

const GLOBAL = {
    name: 'jitar',
    usage: USAGE,
    options: {
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' }
    }
} as const satisfies Command;

const VERSION = {
    name: 'jitar version',
    usage: `Usage: jitar version

Prints the version of jitar.`,
    options: { help: { type: 'boolean', short: 'h' } }
} as const satisfies Command;

/** The commands with a help of their own, by name. */
const HELP_TOPICS: Readonly<Record<string, Command>> = { build: BUILD, dev: DEV, start: START, init: INIT, version: VERSION };

const COMMANDS = [...Object.keys(HELP_TOPICS), 'help'];

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'];

function fail(message: string): never
{
    console.error(message);
    process.exit(1);
}

/** --log-level and --log-format, checked; the level defaults to info, the format to the terminal's. */
function logOptions(level: string | undefined, format: string | undefined): { logLevel: string; logFormat: LogFormat | undefined }
{
    const logLevel = level ?? 'info';
    if (!LOG_LEVELS.includes(logLevel)) fail(`Invalid --log-level '${logLevel}'; use ${LOG_LEVELS.join(', ')}`);
    if (format !== undefined && !isLogFormat(format)) fail(`Invalid --log-format '${format}'; use ${LOG_FORMATS.join(' or ')}`);
    return { logLevel, logFormat: format };
}

/** Loads --env-file, else ./.env when there is one, into process.env; gives the file loaded. */
function loadEnvFile(option: string | undefined): string | undefined
{
    const envFile = option ?? (existsSync('.env') ? '.env' : undefined);
    if (envFile === undefined) return undefined;
    if (!existsSync(envFile)) fail(`Environment file '${envFile}' not found`);
    // The app's code reads process.env too; variables already set win, as in the service file.
    process.loadEnvFile(resolve(envFile));
    return envFile;
}

async function start(args: string[]): Promise<void>
{
    const values = parseOrExit(() => parseCommand(START, args, [INIT, DEV]));
    if (values.help === true)
    {
        console.log(START.usage);
        return;
    }
    if (values.service === undefined) fail(`jitar start needs --service=<file>, e.g. --service=services/standalone.json. See jitar start --help`);
    const { logLevel, logFormat } = logOptions(values['log-level'], values['log-format']);
    const bodyLimit = values['http-body-limit'] === undefined ? undefined : Number(values['http-body-limit']);
    if (bodyLimit !== undefined && !(Number.isInteger(bodyLimit) && bodyLimit > 0)) fail(`Invalid --http-body-limit '${values['http-body-limit']}'; give a number of bytes`);

    const envFile = loadEnvFile(values['env-file']);

    // Loaded here, so that `jitar version` and `jitar help` do not load the server.
    const { startService } = await import('../runtime/services/start-service.js');
    let service;
    try
    {
        service = await startService({ serviceFile: values.service, cwd: process.cwd(), logLevel, logFormat, envFile, bodyLimit });
    }
    catch (error)
    {
        fail(error instanceof Error ? error.message : String(error));
    }

    console.log(startBanner(packageVersion(), service).join('\n'));

    let stopping = false;
    const stop = (): void =>
    {
        if (stopping) return;
        stopping = true;
        service.close().then(() => process.exit(0), error =>
        {
            console.error(error instanceof Error ? error.message : String(error));
            process.exit(1);
        });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
}

async function dev(args: string[]): Promise<void>
{
    const values = parseOrExit(() => parseCommand(DEV, args, [START, INIT]));
    if (values.help === true)
    {
        console.log(DEV.usage);
        return;
    }
    const { logLevel, logFormat } = logOptions(values['log-level'], values['log-format']);
    const port = portOption(values.port, '--port');
    const vitePort = portOption(values['vite-port'], '--vite-port');
    const envFile = loadEnvFile(values['env-file']);

    const { startDevSession } = await import('./dev/dev-session.js');
    let session;
    try
    {
        session = await startDevSession({ cwd: process.cwd(), config: values.config, project: values.project, service: values.service, port, vitePort, logLevel, logFormat, envFile });
    }
    catch (error)
    {
        fail(error instanceof Error ? error.message : String(error));
    }
    const stop = (): void =>
    {
        session.close().then(() => process.exit(0), error =>
        {
            console.error(error instanceof Error ? error.message : String(error));
            process.exit(1);
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}

function portOption(text: string | undefined, option: string): number | undefined
{
    if (text === undefined) return undefined;
    const port = Number(text);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`Invalid ${option} '${text}'; give a port number from 1 to 65535`);
    return port;
}

async function buildApp(args: string[]): Promise<void>
{
    const values = parseOrExit(() => parseCommand(BUILD, args, [START, INIT]));
    if (values.help === true)
    {
        console.log(BUILD.usage);
        return;
    }
    // Loaded here, so that the other commands do not load the compiler.
    const { build } = await import('../transformer/index.js');
    const { reportBuild } = await import('./build-report.js');
    const result = build({ config: values.config, project: values.project, layout: 'reference' });
    process.exitCode = reportBuild(result, { verbose: values.verbose });
}

async function init(args: string[]): Promise<void>
{
    const values = parseOrExit(() => parseCommand(INIT, args, [START]));
    if (values.help === true)
    {
        console.log(INIT.usage);
        return;
    }
    if (values.name === undefined) fail(`jitar init needs --name=<name>, e.g. --name=my-app. See jitar init --help`);
    const { createApp } = await import('../init/create-app.js');
    let app;
    try
    {
        app = createApp({ name: values.name, template: values.template ?? 'backend', cwd: process.cwd() });
    }
    catch (error)
    {
        fail(error instanceof Error ? error.message : String(error));
    }
    console.log(`Wrote ${app.files.length} files into ${values.name}/. Next:\n\n  cd ${values.name}\n  npm install && npm run build && npm start\n`);
}

/** `jitar help` and `jitar help <command>`. */
function help(args: string[]): void
{
    const [topic, ...rest] = args;
    const usage = topic === undefined ? USAGE : Object.hasOwn(HELP_TOPICS, topic) ? HELP_TOPICS[topic].usage : undefined;
    if (usage === undefined || rest.length > 0) fail(`jitar help takes at most a command (${Object.keys(HELP_TOPICS).join(', ')}), not '${args.join(' ')}'. See jitar --help`);
    console.log(usage);
}

const [command, ...args] = process.argv.slice(2);
if (command === undefined) console.log(USAGE);
else if (command.startsWith('-'))
{
    // Before any command, only jitar's own options.
    const values = parseOrExit(() => parseCommand(GLOBAL, [command, ...args], [BUILD, START, INIT, DEV]));
    console.log(values.version === true ? packageVersion() : USAGE);
}
else if (command === 'build') await buildApp(args);
else if (command === 'start') await start(args);
else if (command === 'dev') await dev(args);
else if (command === 'init') await init(args);
else if (command === 'help') help(args);
else if (command === 'version')
{
    const values = parseOrExit(() => parseCommand(VERSION, args));
    console.log(values.help === true ? VERSION.usage : packageVersion());
}
else
{
    const near = closestMatch(command, COMMANDS, { maxDistance: 2 });
    fail(`Unknown command '${command}'${near === undefined ? '' : `; did you mean ${near}?`} See jitar --help`);
}
