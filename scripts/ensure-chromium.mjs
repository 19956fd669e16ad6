#!/usr/bin/env node
/**
 * Part of `npm test`, before anything is built: the browser tests drive a real Chromium, and no test tool
 * may download a browser of its own. This finds one (CHROMIUM_PATH, else Debian's /usr/bin/chromium) or
 * installs Debian's package (scripts/debian-tool.mjs).
 */
import { ensureDebianTool } from './debian-tool.mjs';

ensureDebianTool({
    pkg: 'chromium', path: '/usr/bin/chromium', envVar: 'CHROMIUM_PATH',
    purpose: 'browser tests', what: 'Chromium', binaryHint: 'a Chromium or Chrome binary'
});
