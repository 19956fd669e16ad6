import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface WatchTargets
{
    /** Folders watched with everything below them (node_modules left out). */
    folders: readonly string[];
    /** Single files, watched through their folder: editors that save by renaming replace the file itself. */
    files: readonly string[];
}

const isFolder = (path: string): boolean =>
{
    try
    {
        return statSync(path).isDirectory();
    }
    catch
    {
        return false;
    }
};

export interface FileWatcher
{
    close(): void;
}

/**
 * How long a batch waits for more events after the last one: an editor's save is a burst of events within
 * a few milliseconds (write, rename, attribute change). TypeScript's watch waits 250 ms; a dev loop that
 * answers within a few hundred milliseconds cannot.
 */
const SETTLE = 15;

/**
 * Calls `onChange` with the absolute paths that changed (created, written, renamed or removed), batched:
 * one call per burst of events. Folders that do not exist yet are watched from when they appear.
 */
export function watchFiles(targets: WatchTargets, onChange: (paths: string[]) => void): FileWatcher
{
    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    const watchers: FSWatcher[] = [];
    const files = new Set(targets.files.map(file => resolve(file)));
    const folders = targets.folders.map(folder => resolve(folder));
    const watched = new Set(folders.filter(folder => existsSync(folder)));
    const folderWatchers = new Set<string>();

    const flush = (): void =>
    {
        timer = undefined;
        const paths = [...pending];
        pending.clear();
        if (paths.length > 0) onChange(paths);
    };
    const note = (path: string): void =>
    {
        if (path.split(/[\\/]/).includes('node_modules')) return;
        pending.add(path);
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(flush, SETTLE);
    };

    // One watcher per folder, not fs.watch's recursive mode: on Linux, Node 20 emulates that by watching
    // files, and loses a file that an editor (or sed -i) replaces by renaming a new one over it.
    const watchFolder = (folder: string): void =>
    {
        if (folderWatchers.has(folder)) return;
        folderWatchers.add(folder);
        const watcher = watch(folder, (_event, name) =>
        {
            if (name === null) return;
            const path = join(folder, name.toString());
            if (!folderWatchers.has(path) && isFolder(path) && basename(path) !== 'node_modules') watchTree(path);
            note(path);
        });
        // A folder that is removed ends its watcher; its removal was noted by its parent's.
        watcher.on('error', () => { watcher.close(); folderWatchers.delete(folder); });
        watchers.push(watcher);
    };
    const watchTree = (folder: string): void =>
    {
        watchFolder(folder);
        for (const entry of readdirSync(folder, { withFileTypes: true }))
        {
            if (entry.isDirectory() && entry.name !== 'node_modules') watchTree(join(folder, entry.name));
        }
    };
    // Single files, and folders that do not exist yet, through the folder they are in: a missing folder is
    // watched from when it appears.
    const byParent = new Map<string, Set<string>>();
    for (const path of [...files, ...folders.filter(folder => !existsSync(folder))])
    {
        const names = byParent.get(dirname(path)) ?? new Set<string>();
        names.add(basename(path));
        byParent.set(dirname(path), names);
    }
    for (const folder of folders) if (existsSync(folder)) watchTree(folder);
    for (const [parent, names] of byParent)
    {
        if (!existsSync(parent)) continue;
        watchers.push(watch(parent, (_event, name) =>
        {
            if (name === null || !names.has(name.toString())) return;
            const path = join(parent, name.toString());
            if (folders.includes(path) && existsSync(path) && !watched.has(path))
            {
                watched.add(path);
                watchTree(path);
            }
            note(path);
        }));
    }

    return {
        close: () =>
        {
            if (timer !== undefined) clearTimeout(timer);
            for (const watcher of watchers) watcher.close();
        }
    };
}
