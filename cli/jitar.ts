#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { packageVersion } from '../runtime/version.js';
import { parseOrExit } from './arguments.js';

const USAGE = `Usage: jitar <command> [options]

Commands:
  start      start one process of the app, as its service file says
  init       write a starter app into a new folder
  version    print the version of jitar
  help       print this help

Options of start:
  --service=<file>          the service file (required), e.g. services/standalone.json
  --log-level=<level>       debug, info, warn, error or fatal (default: info)
  --env-file=<file>         environment variables to load (default: .env when there is one)
  --http-body-limit=<bytes> the largest request body accepted (default: 1048576)

Options of init:
  --name=<name>             the app's folder and package name (required)
  --template=<template>     backend, react or vue (default: backend)

Build the app first with jitar-compile (see jitar-compile --help).`;

const { values, positionals } = parseOrExit(() => parseArgs({
    options: {
        service: { type: 'string' },
        'log-level': { type: 'string' },
        'env-file': { type: 'string' },
        'http-body-limit': { type: 'string' },
        name: { type: 'string' },
        template: { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean' }
    },
    allowPositionals: true,
    strict: true
}), USAGE);

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'];

function fail(message: string): never
{
    console.error(`${message}\n`);
    process.exit(1);
}

async function start(): Promise<void>
{
    if (values.service === undefined) fail(`jitar start needs --service=<file>\n\n${USAGE}`);
    const logLevel = values['log-level'] ?? 'info';
    if (!LOG_LEVELS.includes(logLevel)) fail(`Invalid --log-level '${logLevel}'; use ${LOG_LEVELS.join(', ')}`);
    const bodyLimit = values['http-body-limit'] === undefined ? undefined : Number(values['http-body-limit']);
    if (bodyLimit !== undefined && !(Number.isInteger(bodyLimit) && bodyLimit > 0)) fail(`Invalid --http-body-limit '${values['http-body-limit']}'; give a number of bytes`);

    const envFile = values['env-file'] ?? (existsSync('.env') ? '.env' : undefined);
    if (envFile !== undefined)
    {
        if (!existsSync(envFile)) fail(`Environment file '${envFile}' not found`);
        // The app's code reads process.env too; variables already set win, as in the service file.
        process.loadEnvFile(resolve(envFile));
    }

    // Loaded here, so that `jitar version` and `jitar help` do not load the server.
    const { startService } = await import('../runtime/services/start-service.js');
    let service;
    try
    {
        service = await startService({ serviceFile: values.service, cwd: process.cwd(), logLevel, envFile, bodyLimit });
    }
    catch (error)
    {
        fail(error instanceof Error ? error.message : String(error));
    }

    console.log(`jitar ${packageVersion()} serves ${service.url}`);
    if (service.fqns.length > 0) console.log(`RPC procedures:\n${service.fqns.map(fqn => `  ${service.url}/rpc/${fqn}`).join('\n')}`);

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

async function init(): Promise<void>
{
    if (values.name === undefined) fail(`jitar init needs --name=<name>\n\n${USAGE}`);
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

const [command] = positionals;
if (values.version === true || command === 'version') console.log(packageVersion());
else if (values.help === true || command === undefined || command === 'help') console.log(USAGE);
else if (command === 'start') await start();
else if (command === 'init') await init();
else fail(`Unknown command '${command}'\n\n${USAGE}`);
