import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Page } from 'playwright-core';

import { runCli, runNode } from '../cli/run-cli.js';
import { copyApp, linkPackages, startJitar, type JitarProcess } from '../e2e/jitar-app.js';
import { launchChromium, type Chromium } from './chromium.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/guestbook/', import.meta.url));

/** Text that only the server segments' code holds: none of it may reach the page. */
const SERVER_ONLY = ['ask a grown-up to sign', 'entries.push', 'counted by the visits segment', 'visits.set'];

let app: { root: string; remove(): void };
let jitar: JitarProcess;
let browser: Chromium;
let page: Page;
const requested: string[] = [];

beforeAll(async () =>
{
    app = copyApp(EXAMPLE, 'guestbook');
    linkPackages(app.root);
    const compiled = runCli('jitar-compile', [], app.root);
    expect(compiled.stderr).toBe('');
    const bundled = runNode([join(app.root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel=warn'], app.root);
    expect(bundled.stderr).toBe('');
    expect(bundled.status).toBe(0);

    jitar = await startJitar(app.root, 'services/standalone.json');
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('request', request => { requested.push(request.url()); });
    await page.goto(`${jitar.url}/`);
}, 120_000);

afterAll(async () =>
{
    await browser?.close();
    await jitar?.stop();
    app?.remove();
});

async function sign(name: string, age: number, message: string): Promise<void>
{
    await page.fill('#name', name);
    await page.fill('#age', String(age));
    await page.fill('#message', message);
    await page.click('#sign-button');
}

test('the page sends a Visitor to a server procedure and shows what the Entry it gets back describes', async () =>
{
    await sign('Ann', 30, 'Hello from Chromium');
    // isAdult() ran on the server (a Visitor arrived), describe() in the page (an Entry came back).
    await page.locator('#result:not(:empty)').waitFor();
    expect(await page.textContent('#result')).toBe('Entry: Ann (30) wrote "Hello from Chromium" on visit 1');
    expect(await page.textContent('#error')).toBe('');
    // The other segment's protected procedure ran in-process for the first: the count goes on.
    await sign('Ann', 31, 'Again');
    await page.locator('#result', { hasText: 'visit 2' }).waitFor();
    await page.locator('#entries li').nth(1).waitFor();
    expect(await page.locator('#entries li').first().textContent()).toMatch(/^Ann \(30\) wrote "Hello from Chromium" on visit 1 at /);
});

test('a server error reaches the page as its own class, with its status and message', async () =>
{
    await sign('Tim', 12, 'Hi');
    await page.locator('#error:not(:empty)').waitFor();
    expect(await page.textContent('#error')).toBe('InvalidEntry (400): Tim is 12: ask a grown-up to sign the guestbook');
    expect(await page.textContent('#result')).toBe('');
});

test('the page cannot run a protected procedure, and its client middleware saw every call', async () =>
{
    await page.click('#count-button');
    await page.locator('#error', { hasText: '401' }).waitFor();
    expect(await page.textContent('#error')).toBe('Error (401): Request not trusted');
    expect(await page.textContent('#calls')).toMatch(/^\d+ calls sent to the server, the last to guestbook\/listEntries$/);
});

test('the page\'s bundle holds proxies of the server procedures, none of their code, and the page only talked to the standalone', async () =>
{
    const html = await (await fetch(`${jitar.url}/`)).text();
    const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map(match => match[1]);
    expect(scripts).toHaveLength(1);
    const bundle = await (await fetch(`${jitar.url}${scripts[0]}`)).text();

    expect(bundle).toContain('guestbook/signGuestbook');
    expect(bundle).toContain('visits/countVisit');
    for (const text of SERVER_ONLY) expect({ text, found: bundle.includes(text) }).toEqual({ text, found: false });
    expect(bundle).not.toMatch(/node:[a-z]/);
    expect(requested.length).toBeGreaterThan(0);
    for (const url of requested) expect(url.startsWith(`${jitar.url}/`)).toBe(true);
});
