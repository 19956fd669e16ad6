import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { copyApp, linkPackages } from '../e2e/jitar-app.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/guestbook/', import.meta.url));

let app: { root: string; remove(): void };
beforeAll(() =>
{
    app = copyApp(EXAMPLE, 'guestbook-types');
    linkPackages(app.root);
});
afterAll(() => app?.remove());

/** The example's build script, which `npm run demo` runs too, in the copy. */
function build(): { status: number | null; output: string }
{
    const run = spawnSync('npm', ['run', 'build', '--silent'], { cwd: app.root, encoding: 'utf8', timeout: 120_000 });
    return { status: run.status, output: run.stdout + run.stderr };
}

test('the guestbook\'s build type-checks its page before Vite bundles it', () =>
{
    const { scripts } = JSON.parse(readFileSync(join(app.root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.build).toMatch(/^jitar-compile && tsc -p webui && vite build/);
    const { status, output } = build();
    expect({ status, output: output.replace(/^(segment|\d+ class|written to).*\n/gm, '') }).toEqual({ status: 0, output: '' });
    expect(existsSync(join(app.root, 'dist/web/index.html'))).toBe(true);
});

test('a call in the page with a wrong argument type fails the check at its line, with the server code\'s types', () =>
{
    const page = join(app.root, 'webui/main.ts');
    const original = readFileSync(page, 'utf8');
    // signGuestbook takes (visitor: Visitor, message: string); countVisit takes a name.
    const mistakes = [[`input('message'));`, `Number(input('message')));`], [`countVisit(input('name'))`, `countVisit(new Visitor('Ann', 30))`]];
    let mistaken = original;
    for (const [from, to] of mistakes)
    {
        expect(mistaken).toContain(from);
        mistaken = mistaken.replace(from, to);
    }
    const lines = mistaken.split('\n');
    const lineOf = (text: string): number => lines.findIndex(line => line.includes(text)) + 1;
    writeFileSync(page, mistaken);
    rmSync(join(app.root, 'dist/web'), { recursive: true, force: true });

    const { status, output } = build();
    expect(status).not.toBe(0);
    // Vite did not run: the check comes first.
    expect(existsSync(join(app.root, 'dist/web'))).toBe(false);
    expect(output).toMatch(new RegExp(`webui/main\\.ts\\(${lineOf(`Number(input('message'))`)},\\d+\\): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'`));
    expect(output).toMatch(new RegExp(`webui/main\\.ts\\(${lineOf('countVisit(new Visitor')},\\d+\\): error TS2345: Argument of type 'Visitor' is not assignable to parameter of type 'string'`));
});
