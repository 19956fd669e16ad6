import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runCli, runNode, type CliRun } from '../cli/run-cli.js';

/**
 * `jitar build` on small apps laid out as Jitar's: jitar.json's `source` is the output folder of a
 * tsconfig, whose TypeScript is analysed and built into `target`; and `build.ignore`, in both layouts.
 */
const folders: string[] = [];
afterAll(() => { for (const folder of folders) rmSync(folder, { recursive: true, force: true }); });

const HELLO = 'export async function hello(name: string): Promise<string>\n{\n    return `Hello, ${name}!`;\n}\n';
const SEGMENT = JSON.stringify({ './hello': { hello: { access: 'public' } } }, null, 4);
const TSCONFIG = JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'node', rootDir: './src', outDir: './dist', strict: true }, include: ['./src'] }, null, 4);

/** Writes an app into a temporary folder: file path → content. */
function writeApp(files: Record<string, string>): string
{
    const root = mkdtempSync(join(tmpdir(), 'jitar-build-'));
    folders.push(root);
    for (const [path, text] of Object.entries(files))
    {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
    }
    return root;
}

const manifestOf = (root: string, target: string): { source: string; target: string; procedures: { fqn: string }[] } =>
    JSON.parse(readFileSync(join(root, target, '.jitar/manifest.json'), 'utf8')) as { source: string; target: string; procedures: { fqn: string }[] };

/** A run's status with its output, so that a failing assertion shows why. */
const outcome = (run: CliRun): { status: number | null; output: string } => ({ status: run.status, output: run.status === 0 ? '' : run.stdout + run.stderr });

test('Jitar 0.11\'s layout: the TypeScript that tsconfig.json compiles into source (./dist) is built into target (./build)', () =>
{
    const root = writeApp({
        'jitar.json': JSON.stringify({ source: './dist', target: './build' }),
        'tsconfig.json': TSCONFIG,
        'src/greetings/hello.ts': HELLO,
        'segments/greetings.json': JSON.stringify({ './greetings/hello': { hello: { access: 'public' } } })
    });
    const built = runCli('jitar', ['build'], root);
    expect(outcome(built)).toEqual({ status: 0, output: '' });
    expect(built.stdout).toContain('written to build/ (manifest: .jitar/manifest.json)');
    expect(manifestOf(root, 'build')).toMatchObject({ source: 'src', target: 'build', procedures: [{ fqn: 'greetings/hello' }] });
    expect(readFileSync(join(root, 'build/greetings/hello.js'), 'utf8')).toContain('Hello, ');
    // jitar build does not need tsc's output to be there: it reads the sources.
    expect(existsSync(join(root, 'dist'))).toBe(false);
});

test('Jitar 0.10\'s layout: source and target both ./dist, compiled by tsconfig.build.json without a rootDir (the folder its files share)', () =>
{
    const root = writeApp({
        'jitar.json': JSON.stringify({ source: './dist', target: './dist', segments: './segments' }),
        'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true }, include: ['src', 'test'] }),
        'tsconfig.build.json': JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: false, outDir: './dist' }, include: ['src'] }),
        'src/domain/hello.ts': HELLO,
        'src/util/shout.ts': 'export const shout = (text: string): string => text.toUpperCase();\n',
        'segments/default.json': JSON.stringify({ './domain/hello': { hello: { access: 'public' } } })
    });
    expect(outcome(runCli('jitar', ['build'], root))).toEqual({ status: 0, output: '' });
    expect(manifestOf(root, 'dist')).toMatchObject({ source: 'src', target: 'dist', procedures: [{ fqn: 'domain/hello' }] });
    expect(existsSync(join(root, 'dist/domain/hello.js'))).toBe(true);
});

test('a project reference of tsconfig.json that writes into source is found, and --project names one directly', () =>
{
    const root = writeApp({
        'jitar.json': JSON.stringify({ source: './out/domain', target: './build' }),
        'tsconfig.json': JSON.stringify({ files: [], references: [{ path: './domain' }] }),
        'domain/tsconfig.json': JSON.stringify({ compilerOptions: { composite: true, strict: true, rootDir: '.', outDir: '../out/domain' }, include: ['.'] }),
        'domain/hello.ts': HELLO,
        'segments/default.json': SEGMENT
    });
    expect(outcome(runCli('jitar', ['build'], root))).toEqual({ status: 0, output: '' });
    expect(manifestOf(root, 'build')).toMatchObject({ source: 'domain', procedures: [{ fqn: 'hello' }] });

    rmSync(join(root, 'build'), { recursive: true });
    expect(outcome(runCli('jitar', ['build', '--project=domain/tsconfig.json'], root))).toEqual({ status: 0, output: '' });
    expect(manifestOf(root, 'build').procedures).toMatchObject([{ fqn: 'hello' }]);
});

test('a source that no tsconfig writes into is an error at jitar.json that names the tsconfigs and jitar-compile', () =>
{
    const root = writeApp({
        'jitar.json': JSON.stringify({ source: './src', target: './build' }),
        'tsconfig.json': TSCONFIG,
        'src/hello.ts': HELLO,
        'segments/default.json': SEGMENT
    });
    const built = runCli('jitar', ['build'], root);
    expect(built.status).toBe(1);
    expect(built.stderr).toContain(`jitar.json:1:1 - error JTR1014: jitar build reads 'source' in jitar.json as tsc's output folder, as Jitar does, but 'src' is not one: it is the outDir of none of tsconfig.json.`);
    expect(built.stderr).toContain('build with jitar-compile');
    expect(existsSync(join(root, 'build'))).toBe(false);

    const missingProject = runCli('jitar', ['build', '--project=tsconfig.app.json'], root);
    expect(missingProject.stderr).toContain(`tsconfig.app.json:1:1 - error JTR1012: TypeScript project 'tsconfig.app.json' not found`);
});

describe('build.ignore', () =>
{
    const app = (jitar: object, extra: Record<string, string> = {}): string => writeApp({
        'jitar.json': JSON.stringify(jitar, null, 4),
        'tsconfig.json': TSCONFIG,
        'src/hello.ts': HELLO,
        'src/hello.test.ts': 'import { hello } from \'./hello\';\n\nexport async function check(): Promise<boolean>\n{\n    return await hello(\'x\') === \'Hello, x!\';\n}\n',
        'src/tools/seed.ts': 'export const seed = 42;\n',
        'segments/default.json': SEGMENT,
        ...extra
    });

    test('globs relative to source, matched by the JavaScript name tsc gives a file or by its own: those files are neither analysed nor written', () =>
    {
        const root = app({ source: './dist', target: './build', build: { ignore: ['**/*.test.js', 'tools/**/*.ts'] } });
        expect(outcome(runCli('jitar', ['build'], root))).toEqual({ status: 0, output: '' });
        expect(existsSync(join(root, 'build/hello.js'))).toBe(true);
        expect(existsSync(join(root, 'build/hello.test.js'))).toBe(false);
        expect(existsSync(join(root, 'build/tools/seed.js'))).toBe(false);
    });

    test('our layout (jitar-compile, source = the TypeScript) honours it the same way', () =>
    {
        const root = app({ source: './src', target: './dist', build: { ignore: ['**/*.test.ts'] } });
        expect(outcome(runCli('jitar-compile', [], root))).toEqual({ status: 0, output: '' });
        expect(existsSync(join(root, 'dist/hello.js'))).toBe(true);
        expect(existsSync(join(root, 'dist/tools/seed.js'))).toBe(true);
        expect(existsSync(join(root, 'dist/hello.test.js'))).toBe(false);
    });

    test('a segment module that is ignored, and an import of an ignored file by a built one, are errors at their lines', () =>
    {
        const root = app({ source: './dist', target: './build', build: { ignore: ['hello.js', 'tools/**'] } }, {
            'src/uses-seed.ts': 'import { seed } from \'./tools/seed\';\n\nexport const doubled = seed * 2;\n'
        });
        const built = runCli('jitar', ['build'], root);
        expect(built.status).toBe(1);
        expect(built.stderr).toContain(`segments/default.json:2:5 - error JTR1015: Module './hello' of segment 'default' is left out of the build by 'build.ignore' in jitar.json ('src/hello.ts')`);
        expect(built.stderr).toContain(`src/hello.test.ts:1:1 - error JTR1015: './hello' is left out of the build by 'build.ignore' in jitar.json, so this module could not load it`);
        expect(built.stderr).toContain(`src/uses-seed.ts:1:1 - error JTR1015: './tools/seed' is left out of the build by 'build.ignore' in jitar.json`);
        expect(existsSync(join(root, 'build'))).toBe(false);
    });

    test('a build key that is not an object of glob lists is refused at its line, as any unknown key', () =>
    {
        const unknown = runCli('jitar', ['build'], app({ source: './dist', target: './build', build: { ignores: ['x'] } }));
        expect(unknown.stderr).toContain(`jitar.json:5:9 - error JTR1003: Unknown key 'ignores' in 'build' of jitar.json; known keys are ignore; did you mean 'ignore'?`);
        const notList = runCli('jitar-compile', [], app({ source: './src', build: { ignore: '**/*.test.ts' } }));
        expect(notList.stderr).toContain(`jitar.json:4:19 - error JTR1002: 'build.ignore' in jitar.json must be an array of glob patterns (strings), not "**/*.test.ts"`);
        const typo = runCli('jitar-compile', [], app({ source: './src', biuld: {} }));
        expect(typo.stderr).toContain(`error JTR1003: Unknown key 'biuld' in jitar.json; known keys are source, target, segments, resources, build`);
    });
});

test('jitar build --help and jitar help build describe the command; an option it has not got is named', () =>
{
    const root = writeApp({});
    const help = runCli('jitar', ['build', '--help'], root);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: jitar build [options]');
    expect(runCli('jitar', ['help', 'build'], root).stdout).toBe(help.stdout);
    expect(runCli('jitar', ['--help'], root).stdout).toContain('build      build the app laid out as Jitar\'s');
    const wrong = runCli('jitar', ['build', '--servce=x'], root);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('--servce');
});

describe('apps that the reference package (jitar 0.10) creates with its own jitar init', () =>
{
    const REFERENCE_CLI = fileURLToPath(new URL('../reference/node_modules/jitar-reference/dist/cli.js', import.meta.url));

    test.each([['backend', ['greetings/sayBoth', 'greetings/sayHello', 'greetings/sayHi']], ['react', ['domain/sayHello']]])('the %s template builds with our jitar build as it is (its tsconfig for TypeScript 5, source and target ./dist)', (template, fqns) =>
    {
        const folder = writeApp({});
        const created = runNode([REFERENCE_CLI, 'init', `--name=app-${template}`, `--template=${template}`], folder);
        expect(outcome(created)).toEqual({ status: 0, output: '' });
        const root = join(folder, `app-${template}`);
        expect(JSON.parse(readFileSync(join(root, 'jitar.json'), 'utf8'))).toMatchObject({ source: './dist', target: './dist' });

        expect(outcome(runCli('jitar', ['build'], root))).toEqual({ status: 0, output: '' });
        expect(manifestOf(root, 'dist').procedures.map(procedure => procedure.fqn).sort()).toEqual(fqns);
    }, 120_000);
});
