import type { ClassManifest } from '../manifest.js';
import { BadRequest, Forbidden, JitarError, NotFound, NotImplemented, PaymentRequired, Teapot, Unauthorized } from '../errors.js';
import type { ClassConstructor } from './class-resolver.js';

/** jitar's error classes by the status they give, for an app error class whose own parents are not here. */
const BY_STATUS = new Map<number, ClassConstructor>([
    [400, BadRequest], [401, Unauthorized], [402, PaymentRequired], [403, Forbidden], [404, NotFound], [418, Teapot], [501, NotImplemented]
]);

/**
 * A stand-in for an app error class that a segment registered but this process cannot load: its module
 * holds procedures of other segments only, and loading it here would bring their code along. An instance
 * that arrives from there is rebuilt as a class of the same name (constructor.name, and the `name` and
 * `message` its fields carry) extending the nearest parent this process has (a registered app class, else
 * jitar's error class of its status), so it keeps its status, passes on under its own key, and code can
 * tell it apart by name. jitar-compile warns about such classes: in a module of its own, every segment
 * loads the class itself.
 */
export function errorStandIn(manifest: ClassManifest, classes: ReadonlyMap<string, ClassManifest>, loaded: ReadonlyMap<string, ClassConstructor>): ClassConstructor | undefined
{
    if (manifest.status === undefined) return undefined;
    const parent = nearestLoaded(manifest, classes, loaded) ?? BY_STATUS.get(manifest.status) ?? JitarError;
    const name = manifest.exportName === 'default' ? manifest.key.slice(manifest.key.lastIndexOf('/') + 1) : manifest.exportName;
    // The arguments meant the class's own constructor; the parent's would read them otherwise. The message
    // and name come from the instance's fields.
    const Base = parent as unknown as new () => Error;
    const standIn = { [name]: class extends Base { constructor() { super(); } } }[name];
    return standIn as unknown as ClassConstructor;
}

function nearestLoaded(manifest: ClassManifest, classes: ReadonlyMap<string, ClassManifest>, loaded: ReadonlyMap<string, ClassConstructor>): ClassConstructor | undefined
{
    const seen = new Set<string>();
    for (let key = manifest.extends; key !== undefined && !seen.has(key); key = classes.get(key)?.extends)
    {
        seen.add(key);
        const constructor = loaded.get(key);
        if (constructor !== undefined) return constructor;
    }
    return undefined;
}
