import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext } from 'playwright-core';

/** CHROMIUM_PATH, else Debian's chromium, which `npm test` installs when it can (scripts/ensure-chromium.mjs): no test tool downloads a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Nothing that would reach beyond 127.0.0.1 on its own: no updates, sync, QUIC or first-run pages. */
const FLAGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-quic', '--disable-sync'
];

export interface Chromium
{
    context: BrowserContext;
    close(): Promise<void>;
}

/** Headless chromium with a profile of its own in a temporary folder, removed on close. */
export async function launchChromium(): Promise<Chromium>
{
    const profile = mkdtempSync(join(tmpdir(), 'jitar-chromium-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
    return {
        context,
        close: async () =>
        {
            await context.close();
            rmSync(profile, { recursive: true, force: true });
        }
    };
}
