#!/usr/bin/env node
/**
 * Part of `npm test`, before anything is built: the NATS tests start nats-server processes of their own
 * (on free ports of 127.0.0.1). This finds the server (NATS_SERVER_PATH, else Debian's
 * /usr/sbin/nats-server, else one on the PATH) or installs Debian's package (scripts/debian-tool.mjs).
 */
import { ensureDebianTool } from './debian-tool.mjs';

ensureDebianTool({
    pkg: 'nats-server', path: '/usr/sbin/nats-server', envVar: 'NATS_SERVER_PATH', onPath: 'nats-server',
    purpose: 'NATS tests', what: 'nats-server', binaryHint: 'a nats-server binary'
});
