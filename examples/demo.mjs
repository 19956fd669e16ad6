// npm run demo: builds the guestbook with its own build script (server with jitar-compile; page type-checked
// with tsc, then bundled by Vite with jitar/vite), shows its procedures, and starts its standalone, which
// serves the page and the procedures on one port.
// Usage: node examples/demo.mjs   (after npm run build)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = join(repository, 'examples/guestbook');

// The example depends on this package the way an app does: through node_modules/jitar, with its
// commands in node_modules/.bin (so that `npx jitar start ...` works in the example's folder).
const link = join(app, 'node_modules/jitar');
if (!existsSync(link))
{
    mkdirSync(join(app, 'node_modules/.bin'), { recursive: true });
    symlinkSync('../../..', link, 'dir');
    for (const command of ['jitar', 'jitar-compile'])
    {
        writeFileSync(join(app, 'node_modules/.bin', command), `#!/bin/sh\nexec node "$(dirname "$0")/../jitar/lib/cli/${command}.js" "$@"\n`, { mode: 0o755 });
    }
}

const run = (script, args, cwd = app) =>
{
    const result = spawnSync(process.execPath, [join(repository, script), ...args], { cwd, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
};
// npm puts the example's node_modules/.bin and this repository's on the PATH: jitar-compile, tsc and vite.
const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: app, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
run('examples/show-manifest.mjs', ['examples/guestbook'], repository);

const port = process.env.PORT ?? '3000';
console.log(`
Open http://127.0.0.1:${port}/ and sign the guestbook: the page calls signGuestbook on the server.
(Ctrl+C stops)
`);
// The server's banner follows, with a curl line that works as printed.
const server = spawn(process.execPath, [join(repository, 'lib/cli/jitar.js'), 'start', '--service=services/standalone.json', '--log-level=warn'], { cwd: app, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', code => process.exit(code ?? 0));
