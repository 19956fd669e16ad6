import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { Module } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runNode } from '../cli/run-cli.js';

/**
 * transformer/code-cache.ts, as the compiler uses it for ts-morph, on a package of its own: each run is a
 * process of its own (the cache is read when a file is compiled and written at exit).
 */
const CODE_CACHE = fileURLToPath(new URL('../../lib/transformer/code-cache.js', import.meta.url));
const NODE_HAS_CACHE = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

describe('requireWithCodeCache', () =>
{
    let root: string;
    let pkg: string;
    let cacheFolder: string;

    beforeEach(() =>
    {
        root = mkdtempSync(join(tmpdir(), 'jitar-code-cache-'));
        pkg = join(root, 'node_modules', 'big');
        cacheFolder = join(root, 'node_modules', '.cache', 'jitar');
        mkdirSync(pkg, { recursive: true });
        writeFileSync(join(pkg, 'part.js'), 'exports.twice = n => n * 2;\nexports.where = () => new Error(\'here\').stack;\n');
        writeFileSync(join(pkg, 'index.js'), 'const part = require(\'./part.js\');\nexports.value = part.twice(21);\nexports.where = part.where;\nexports.same = require(\'./part.js\') === part;\n');
    });

    afterEach(() => rmSync(root, { recursive: true, force: true }));

    /** Requires the package in a new process; what it exported, as JSON. */
    function run(env: Record<string, string> = {}): { value: number; same: boolean; stackNamesPart: boolean }
    {
        const script = `import { requireWithCodeCache } from ${JSON.stringify(CODE_CACHE)};
            const big = requireWithCodeCache(${JSON.stringify(join(pkg, 'index.js'))}, index => [${JSON.stringify(join(pkg, 'part.js'))}, index]);
            console.log(JSON.stringify({ value: big.value, same: big.same, stackNamesPart: big.where().includes(${JSON.stringify(`${join(pkg, 'part.js')}:2:`)}) }));`;
        const result = runNode(['--input-type=module', '-e', script], root, env);
        expect([result.status, result.stderr]).toEqual([0, '']);
        return JSON.parse(result.stdout) as { value: number; same: boolean; stackNamesPart: boolean };
    }

    const cacheFiles = (): string[] => existsSync(cacheFolder) ? readdirSync(cacheFolder).sort() : [];

    it('runs the files as require does, and writes their cache at exit (Node 22 has its own and writes none)', () =>
    {
        expect(run()).toEqual({ value: 42, same: true, stackNamesPart: true });
        if (NODE_HAS_CACHE) return expect(cacheFiles()).toEqual([]);
        expect(cacheFiles()).toEqual([expect.stringMatching(/^index\.js-[0-9a-f]{20}\.bin$/), expect.stringMatching(/^part\.js-[0-9a-f]{20}\.bin$/)]);
        expect(cacheFiles().filter(name => name.endsWith('.partial'))).toEqual([]);
    });

    it('compiles from a cache that fits without writing it again, and replaces one V8 refuses', () =>
    {
        run();
        if (NODE_HAS_CACHE) return expect(cacheFiles()).toEqual([]);
        const [index, part] = cacheFiles().map(name => join(cacheFolder, name));
        const written = readFileSync(part);
        // Back-dated: a rewrite would show as a new modification time.
        utimesSync(part, new Date(2000, 0, 1), new Date(2000, 0, 1));
        writeFileSync(index, 'not a code cache');

        expect(run()).toEqual({ value: 42, same: true, stackNamesPart: true });
        expect(statSync(part).mtime.getFullYear()).toBe(2000);
        expect(readFileSync(part)).toEqual(written);
        expect(readFileSync(index).toString()).not.toBe('not a code cache');
    });

    it('keeps one cache per file: a changed file gets a new one, and the old one goes', () =>
    {
        run();
        if (NODE_HAS_CACHE) return expect(cacheFiles()).toEqual([]);
        const before = cacheFiles();
        writeFileSync(join(pkg, 'part.js'), 'exports.twice = n => n + n;\nexports.where = () => new Error(\'here\').stack;\n');

        expect(run()).toEqual({ value: 42, same: true, stackNamesPart: true });
        const after = cacheFiles();
        expect(after).toHaveLength(2);
        expect(after.find(name => name.startsWith('index.js-'))).toBe(before.find(name => name.startsWith('index.js-')));
        expect(after.find(name => name.startsWith('part.js-'))).not.toBe(before.find(name => name.startsWith('part.js-')));
    });

    it('writes no cache when NODE_DISABLE_COMPILE_CACHE is set, Node\'s own switch for its cache', () =>
    {
        expect(run({ NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual({ value: 42, same: true, stackNamesPart: true });
        expect(cacheFiles()).toEqual([]);
    });

    it('passes on what a file throws, and leaves it out of require\'s cache so that it is not half-loaded', () =>
    {
        writeFileSync(join(pkg, 'part.js'), 'throw new Error(\'part is broken\');\n');
        const script = `import { createRequire } from 'node:module';
            import { requireWithCodeCache } from ${JSON.stringify(CODE_CACHE)};
            const index = ${JSON.stringify(join(pkg, 'index.js'))};
            let message;
            try { requireWithCodeCache(index, () => [${JSON.stringify(join(pkg, 'part.js'))}, index]); } catch (error) { message = error.message; }
            console.log(JSON.stringify({ message, cached: Object.keys(createRequire(import.meta.url).cache).filter(file => file.startsWith(${JSON.stringify(pkg)})) }));`;
        const result = runNode(['--input-type=module', '-e', script], root);
        expect(result.status).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual({ message: 'part is broken', cached: [] });
    });
});
