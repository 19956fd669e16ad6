/** The compiler's programmatic API: what `jitar-compile` does, for tools and tests. */
export { analyse, type AnalyseOptions, type AnalysisResult } from './analyse.js';
export { writeManifest } from './manifest-writer.js';
export { appInfo, writeOpenApi } from './openapi-writer.js';
export { openApiDocument, type OpenApiInfo } from './openapi/openapi-document.js';
export type { OpenApiDocument } from './openapi/openapi-types.js';
export { build, type BuildOptions, type BuildResult } from './build.js';
export { Codes, formatDiagnostic, type Diagnostic, type Severity } from './diagnostics.js';
export { summarize } from './summary.js';
export { formatChanges } from './contracts/change-report.js';
export { surfaceChanges, type ChangeKind, type SurfaceChange } from './contracts/surface-changes.js';
export type * from '../runtime/manifest.js';
