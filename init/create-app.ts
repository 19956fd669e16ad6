import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';

import { packageJson } from '../runtime/version.js';
import { packPackage } from './pack-package.js';

/** What `jitar init --template` offers; each is `templates/common` with the template's folder over it. */
export const TEMPLATES = ['backend', 'react', 'vue'] as const;

export type TemplateName = typeof TEMPLATES[number];

export interface InitOptions
{
    /** The app's name: its folder (below `cwd`) and its package name. */
    name: string;
    template: string;
    cwd: string;
}

export interface CreatedApp
{
    root: string;
    /** Written files, relative to the root. */
    files: string[];
}

/** npm's rule for package names that need no scope: lower case, URL-safe, at most 214 characters. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9._-]{0,213}$/;

/** Files that npm leaves out of a published package under their real name. */
const RENAMED: Record<string, string> = { gitignore: '.gitignore', env: '.env' };

/** The app's folder for the tarball of the jitar that made it. */
const VENDOR = 'vendor';

/**
 * `jitar init`: writes a starter app into a new folder. The app depends on a tarball of this very jitar,
 * packed into its `vendor/` folder: jitar is not on the npm registry (the registry's `jitar` is another
 * package), and so the app installs on any machine, with the jitar that wrote it.
 * Template files are text with placeholders: `{{name}}`, `{{jitar}}` (the dependency on that tarball), and
 * `{{dependency:<package>}}` (the range this package develops and tests with, so the starter gets versions
 * that are known to work together).
 */
export function createApp(options: InitOptions): CreatedApp
{
    if (!PACKAGE_NAME.test(options.name)) throw new Error(`Invalid --name '${options.name}': use lower-case letters, digits, '-', '.' and '_', starting with a letter or digit (it becomes the folder and the package name)`);
    if (!isTemplate(options.template)) throw new Error(`Unknown --template '${options.template}'; use ${TEMPLATES.join(', ')}`);

    const root = resolve(options.cwd, options.name);
    if (existsSync(root) && readdirSync(root).length > 0) throw new Error(`Folder '${relative(options.cwd, root)}' exists and is not empty: choose another --name`);

    const { root: packageRoot, json } = packageJson();
    const existed = existsSync(root);
    let tarball: string;
    try
    {
        tarball = packPackage(packageRoot, join(root, VENDOR));
    }
    catch (error)
    {
        // No half-written app is left behind: the folder was absent or empty.
        rmSync(existed ? join(root, VENDOR) : root, { recursive: true, force: true });
        throw error;
    }

    const values = (placeholder: string): string =>
    {
        if (placeholder === 'name') return options.name;
        if (placeholder === 'jitar') return `file:${VENDOR}/${tarball}`;
        const dependency = placeholder.startsWith('dependency:') ? placeholder.slice('dependency:'.length) : undefined;
        const range = dependency === undefined ? undefined : json.devDependencies?.[dependency];
        if (range === undefined) throw new Error(`Template placeholder '{{${placeholder}}}' has no value: jitar's package.json lists no such development dependency`);
        return range;
    };

    const files = new Map<string, string>();
    for (const layer of ['common', options.template])
    {
        const folder = join(packageRoot, 'templates', layer);
        for (const file of filesIn(folder)) files.set(file, readFileSync(join(folder, file), 'utf8'));
    }

    const written: string[] = [`${VENDOR}/${tarball}`];
    for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b)))
    {
        const name = posix.basename(file);
        const target = posix.join(posix.dirname(file), RENAMED[name] ?? name);
        mkdirSync(dirname(join(root, target)), { recursive: true });
        writeFileSync(join(root, target), text.replace(/\{\{([a-z@/:.-]+)\}\}/g, (_, placeholder: string) => values(placeholder)));
        written.push(target);
    }
    return { root, files: written };
}

function isTemplate(name: string): name is TemplateName
{
    return (TEMPLATES as readonly string[]).includes(name);
}

/** The files below a folder, relative to it, with `/` between folders. */
function filesIn(folder: string, prefix = ''): string[]
{
    return readdirSync(join(folder, prefix)).flatMap(entry =>
    {
        const path = prefix === '' ? entry : `${prefix}/${entry}`;
        return statSync(join(folder, path)).isDirectory() ? filesIn(folder, path) : [path];
    });
}
