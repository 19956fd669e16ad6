import { once } from 'node:events';
import { register } from 'node:module';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

import type { VersionBump, VersionHookData } from './version-hooks.js';

/** The main thread's side of the version hooks: which files changed, before their segments are imported again. */
export class ModuleVersions
{
    readonly #port: MessagePort;
    #next = 0;

    private constructor(port: MessagePort)
    {
        this.#port = port;
    }

    /**
     * Registers the hooks; from here on, modules are loaded through them. It must come before the app's
     * modules are first imported, or those stay at their first load.
     */
    static register(): ModuleVersions
    {
        const { port1, port2 } = new MessageChannel();
        register<VersionHookData>('./version-hooks.js', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
        port1.unref();
        return new ModuleVersions(port1);
    }

    /**
     * Gives the changed files (and the modules that import them) new versions; resolves, once the hooks
     * have them, with every file that got one.
     */
    async bump(changed: readonly string[]): Promise<string[]>
    {
        const id = ++this.#next;
        const acknowledged = (async () =>
        {
            for (;;)
            {
                const [message] = await once(this.#port, 'message') as [{ id: number; versioned: string[] }];
                if (message.id === id) return message.versioned;
            }
        })();
        this.#port.postMessage({ id, changed: [...changed] } satisfies VersionBump);
        return acknowledged;
    }
}
