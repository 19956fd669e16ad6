import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { packPackage } from '../../init/pack-package.js';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const { version } = JSON.parse(readFileSync(join(REPOSITORY, 'package.json'), 'utf8')) as { version: string };

let folder: string;
beforeEach(() => { folder = mkdtempSync(join(tmpdir(), 'jitar-pack-')); });
afterEach(() => rmSync(folder, { recursive: true, force: true }));

test('packs this clone as it would be published: the built lib/, the schemas and the templates, no sources or tests', () =>
{
    const tarball = packPackage(REPOSITORY, join(folder, 'vendor'));
    expect(tarball).toBe(`jitar-${version}.tgz`);

    const listing = spawnSync('tar', ['-tzf', join(folder, 'vendor', tarball)], { encoding: 'utf8' });
    expect(listing.status).toBe(0);
    const entries = listing.stdout.trim().split('\n');
    for (const entry of ['package/package.json', 'package/lib/cli/jitar.js', 'package/lib/cli/jitar-compile.js', 'package/lib/runtime/index.d.ts',
        'package/templates/common/gitignore', 'package/templates/react/webui/tsconfig.json', 'package/templates/vue/webui/App.vue',
        // The runtime checks configuration files with these, and editors read them through $schema.
        'package/schemas/service.schema.json', 'package/schemas/segment.schema.json', 'package/schemas/jitar.schema.json'])
    {
        expect(entries).toContain(entry);
    }
    expect(entries.filter(entry => /^package\/(test|runtime|transformer|cli|init|examples|node_modules)\//.test(entry))).toEqual([]);
});

test('the packed package.json has no scripts: npm lists no install script of jitar for the app to review', () =>
{
    const tarball = join(folder, 'vendor', packPackage(REPOSITORY, join(folder, 'vendor')));
    const packed = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
    expect(packed.status).toBe(0);
    const manifest = JSON.parse(packed.stdout) as Record<string, unknown>;
    const original = JSON.parse(readFileSync(join(REPOSITORY, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.scripts).toBeUndefined();
    const { scripts: _scripts, ...published } = original;
    expect(manifest).toEqual(published);

    // The commands stay executable.
    const modes = spawnSync('tar', ['-tvzf', tarball, 'package/lib/cli/jitar.js', 'package/lib/cli/jitar-compile.js'], { encoding: 'utf8' });
    expect(modes.stdout.trim().split('\n').map(line => line.slice(0, 10))).toEqual(['-rwxr-xr-x', '-rwxr-xr-x']);
});

test('a jitar that is not built is named, not packed empty', () =>
{
    const unbuilt = join(folder, 'jitar');
    mkdirSync(unbuilt);
    writeFileSync(join(unbuilt, 'package.json'), JSON.stringify({ name: 'jitar', version: '0.0.1' }));
    expect(() => packPackage(unbuilt, join(folder, 'vendor'))).toThrow(`jitar in '${unbuilt}' is not built (no lib/): run npm install (or npm run build) there first`);
});

test('npm\'s own complaint is passed on when it cannot pack', () =>
{
    const broken = join(folder, 'jitar');
    mkdirSync(join(broken, 'lib/runtime'), { recursive: true });
    writeFileSync(join(broken, 'lib/runtime/index.js'), '');
    writeFileSync(join(broken, 'package.json'), '{ "name": "jitar", ');
    expect(() => packPackage(broken, join(folder, 'vendor'))).toThrow(new RegExp(`^npm pack of jitar in '${broken}' failed:\\n.*JSON`, 's'));
});
