import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runNode } from '../cli/run-cli.js';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(REPOSITORY, 'scripts/check-folder-cycles.mjs');

/** A tree of its own with these files (path → text), checked by the script as it checks this repository. */
function check(files: Record<string, string>): { status: number | null; stdout: string; stderr: string }
{
    const root = mkdtempSync(join(tmpdir(), 'jitar-cycles-'));
    try
    {
        for (const [path, text] of Object.entries(files))
        {
            mkdirSync(dirname(join(root, path)), { recursive: true });
            writeFileSync(join(root, path), text);
        }
        return runNode([SCRIPT, '--root', root], REPOSITORY);
    }
    finally
    {
        rmSync(root, { recursive: true, force: true });
    }
}

describe('scripts/check-folder-cycles.mjs', () =>
{
    it('passes on this repository: no two source folders import each other, and only cli/ imports runtime/services', () =>
    {
        const run = runNode([SCRIPT], REPOSITORY);
        expect([run.status, run.stderr]).toEqual([0, '']);
        expect(run.stdout).toMatch(/no two folders import each other/);
    });

    it('fails on two folders that import each other, and names the files of both directions', () =>
    {
        const run = check({
            'runtime/http/server.ts': "import { State } from '../cluster/state.js';\nexport const server = State;\n",
            'runtime/cluster/state.ts': "export const State = 1;\n",
            'runtime/cluster/client.ts': "import type { server } from '../http/server.js';\nexport type Client = typeof server;\n"
        });
        expect(run.status).toBe(1);
        expect(run.stderr).toContain('runtime/cluster and runtime/http import each other');
        expect(run.stderr).toContain('runtime/http/server.ts -> runtime/cluster/state.ts');
        expect(run.stderr).toContain('runtime/cluster/client.ts -> runtime/http/server.ts');
    });

    it('counts a file directly in runtime/ on its own, and reads no import from a string or comment', () =>
    {
        const passing = check({
            'runtime/errors.ts': "export class Failure extends Error {}\n",
            'runtime/index.ts': "export * from './rpc/handler.js';\n",
            'runtime/rpc/handler.ts': "import { Failure } from '../errors.js';\n// import { x } from '../index.js';\nexport const text = \"import { y } from '../index.js'\";\nexport { Failure };\n"
        });
        expect([passing.status, passing.stderr]).toEqual([0, '']);

        const failing = check({
            'runtime/errors.ts': "import { VERSION } from './rpc/versions.js';\nexport const message = VERSION;\n",
            'runtime/rpc/versions.ts': "export const VERSION = 'x';\n",
            'runtime/rpc/handler.ts': "import { message } from '../errors.js';\nexport const text = message;\n"
        });
        expect(failing.status).toBe(1);
        expect(failing.stderr).toContain('runtime/errors.ts and runtime/rpc import each other');
    });

    it('fails when anything but cli/ imports the start-up composition in runtime/services', () =>
    {
        const run = check({
            'runtime/services/start.ts': "export const start = 1;\n",
            'transformer/vite/plugin.ts': "import { start } from '../../runtime/services/start.js';\nexport default start;\n",
            'cli/jitar.ts': "import { start } from '../runtime/services/start.js';\nexport { start };\n"
        });
        expect(run.status).toBe(1);
        expect(run.stderr).toContain('transformer/vite/plugin.ts -> runtime/services/start.ts (only cli/ may import runtime/services/)');
        expect(run.stderr).not.toContain('cli/jitar.ts');
    });
});
