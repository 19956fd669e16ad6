#!/usr/bin/env node
import { packageVersion } from '../runtime/version.js';

const USAGE = `Usage: jitar <command>

Commands:
  version    print the version of jitar
  help       print this help

Build an app with jitar-compile (see jitar-compile --help).`;

const [command] = process.argv.slice(2);

switch (command)
{
    case 'version':
    case '--version':
        console.log(packageVersion());
        break;
    case undefined:
    case 'help':
    case '--help':
        console.log(USAGE);
        break;
    default:
        console.error(`Unknown command '${command}'\n\n${USAGE}`);
        process.exit(1);
}
