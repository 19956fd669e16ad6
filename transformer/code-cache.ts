import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import { constants, Script } from 'node:vm';

/**
 * Requires a CommonJS package whose code is large (ts-morph: its own 9 MB copy of TypeScript, 3 MB of
 * ts-morph-common, 1 MB of its own), with V8's code cache for its big files: compiling them took ~120 ms
 * of every build before a line of the app was read. Node 22 has this built in (module.enableCompileCache,
 * which tsc itself turns on); on Node 20 the files named here are compiled from the cache, which is
 * written at exit into node_modules/.cache/jitar beside the package. The cache only saves time: V8
 * checks it against the source and refuses one that does not match, and one that cannot be read or
 * written is done without.
 */
export function requireWithCodeCache<T>(request: string, files: (packageFile: string) => readonly string[]): T
{
    const load = createRequire(import.meta.url);
    // Node 22's cache is the command's to turn on (cli/compile-cache.ts); a Node 20 before 20.12 cannot
    // give compiled code its dynamic import().
    const nodeHasCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
    // Node's own switch for its cache turns this one off too.
    const turnedOff = (process.env.NODE_DISABLE_COMPILE_CACHE ?? '') !== '';
    if (nodeHasCache || turnedOff || constants.USE_MAIN_CONTEXT_DEFAULT_LOADER === undefined) return load(request) as T;
    const packageFile = load.resolve(request);
    const cacheFolder = cacheFolderFor(packageFile);
    if (cacheFolder !== undefined)
    {
        // In dependency order: a file's own requires find the ones before it in require's cache.
        for (const file of files(packageFile)) if (load.cache[file] === undefined) compileFromCache(file, cacheFolder, load.cache);
    }
    return load(request) as T;
}

/** node_modules/.cache/jitar of the node_modules folder the package is in (undefined outside one). */
function cacheFolderFor(file: string): string | undefined
{
    const at = file.lastIndexOf(`${sep}node_modules${sep}`);
    return at === -1 ? undefined : join(file.slice(0, at), 'node_modules', '.cache', 'jitar');
}

const unwritten: { script: Script; file: string }[] = [];

/** Runs one CommonJS file as require would, compiled with its cached code when there is a cache that fits. */
function compileFromCache(file: string, cacheFolder: string, cache: NodeJS.Require['cache']): void
{
    const source = readFileSync(file, 'utf8');
    const { size, mtimeMs } = statSync(file);
    const key = createHash('sha256').update([file, size, mtimeMs, process.version, process.arch].join('\0')).digest('hex').slice(0, 20);
    const cacheFile = join(cacheFolder, `${basename(file)}-${key}.bin`);
    let cachedData: Buffer | undefined;
    try { cachedData = readFileSync(cacheFile); }
    catch { cachedData = undefined; }

    const script = new Script(Module.wrap(source), { filename: file, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
    const require = createRequire(file);
    const module = new Module(file);
    module.filename = file;
    module.paths = require.resolve.paths('any-package') ?? [];
    cache[file] = module;
    try
    {
        wrapper.call(module.exports, module.exports, require, module, file, dirname(file));
    }
    catch (error)
    {
        delete cache[file];
        throw error;
    }
    module.loaded = true;
    if (cachedData === undefined || script.cachedDataRejected === true)
    {
        if (unwritten.length === 0) process.once('exit', writeCaches);
        unwritten.push({ script, file: cacheFile });
    }
}

/** At exit, so that the cache holds the functions the run compiled too, not only the top level. */
function writeCaches(): void
{
    for (const { script, file } of unwritten)
    {
        try
        {
            mkdirSync(dirname(file), { recursive: true });
            // Caches of earlier versions of the file, or of another Node, are not read again.
            const stem = file.slice(0, file.lastIndexOf('-') + 1);
            for (const old of readdirSync(dirname(file)).map(name => join(dirname(file), name)))
            {
                if (old.startsWith(stem) && old.endsWith('.bin') && old !== file) rmSync(old, { force: true });
            }
            // Renamed into place: builds running side by side never read a half-written cache.
            const partial = `${file}.${process.pid}.partial`;
            writeFileSync(partial, script.createCachedData());
            renameSync(partial, file);
        }
        catch
        {
            // a read-only install: builds go on without the cache
        }
    }
}
