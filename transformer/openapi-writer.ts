import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import type { Manifest } from '../runtime/manifest.js';
import { OPENAPI_PATH } from '../runtime/app-build/openapi-file.js';
import { openApiDocument, type OpenApiInfo } from './openapi/openapi-document.js';

/** The app's name and version for the document: its package.json's, else its folder's name and 0.0.0. */
export function appInfo(root: string): OpenApiInfo
{
    const file = join(root, 'package.json');
    const found: unknown = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
    const text = (key: string): string | undefined =>
    {
        const value = typeof found === 'object' && found !== null ? (found as Record<string, unknown>)[key] : undefined;
        return typeof value === 'string' && value !== '' ? value : undefined;
    };
    return { title: text('name') ?? basename(root), version: text('version') ?? '0.0.0' };
}

/** Writes the app's OpenAPI document into the target folder, next to the manifest. */
export function writeOpenApi(manifest: Manifest, info: OpenApiInfo, targetFolder: string): string
{
    const path = join(targetFolder, OPENAPI_PATH);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(openApiDocument(manifest, info), null, 2)}\n`);
    return path;
}
