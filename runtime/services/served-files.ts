import { join, resolve } from 'node:path';

import { OPENAPI_PATH, readOpenApiDocument, servedPaths } from '../app-build/openapi-file.js';
import { AssetWhitelist } from '../http/asset-whitelist.js';
import type { HttpParts } from '../http/fastify-server.js';
import type { ServiceContext } from './service-context.js';

/** The files a standalone or repository serves, when its file names any. */
export function servedAssets({ config, cwd, target }: ServiceContext<'standalone' | 'repository'>): HttpParts['assets']
{
    if (config.assets.length === 0) return undefined;
    const root = resolve(cwd, config.assetRoot ?? target);
    return { root, whitelist: new AssetWhitelist({ root, patterns: config.assets, indexFilename: config.indexFilename, serveIndexOnNotFound: config.serveIndexOnNotFound }) };
}

/**
 * The OpenAPI document a standalone or gateway serves, as JSON text: that of the app build it starts in
 * (a gateway has no manifest of its own), with only the procedures this process serves when `fqns` says.
 */
export function servedOpenApi({ config, target }: ServiceContext<'standalone' | 'gateway'>, fqns?: readonly string[]): string | undefined
{
    if (config.openapi === false) return undefined;
    const document = readOpenApiDocument(target);
    if (document === undefined && config.openapi === true) throw new Error(`${config.file}: 'openapi' is true, but the build has no OpenAPI document at '${join(target, OPENAPI_PATH)}': build the app with jitar-compile`);
    if (document === undefined) return undefined;
    return JSON.stringify(fqns === undefined ? document : servedPaths(document, fqns));
}
