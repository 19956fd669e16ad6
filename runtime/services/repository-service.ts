import { servedAssets } from './served-files.js';
import type { ServiceContext, ServiceRole } from './service-context.js';

/** A repository: the app's files (the assets its service file whitelists), and no procedures. */
export function startRepository(context: ServiceContext<'repository'>): ServiceRole
{
    return { parts: { assets: servedAssets(context) } };
}
