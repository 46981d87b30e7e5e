/**
 * How the handler is bundled, in one place: `NodejsFunction` uses it when the construct runs from this repository's
 * TypeScript sources, and the package build (`scripts/build-package.ts`, run by `npm pack`) uses it to ship a
 * prebuilt bundle, so that an app installing the package needs neither TypeScript sources nor esbuild nor Docker.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** esbuild options shared by `NodejsFunction` (through its `bundling` props) and the package build. */
export const HANDLER_BUNDLING = {
  format: 'esm',
  target: 'node22',
  platform: 'node',
  mainFields: ['module', 'main'],
  minify: true,
  // An external map without the sources: small, and free at cold start (no --enable-source-maps: decode offline).
  sourcemap: true,
  sourcesContent: false,
  // ESM output still meets CommonJS dependencies that call require().
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} as const;

/**
 * Generated indexes the handler reads on first use, from beside its bundle (`new URL('./x.json', import.meta.url)`):
 * copied next to `index.mjs` rather than inlined, so the bundle stays small and its import fast. Paths from the
 * project root.
 */
export const HANDLER_DATA_FILES = ['lambdas/core/iam-index.generated.json', 'lambdas/core/iam-policy/managed-policy-index.generated.json'] as const;

/** The handler's entry in this repository (absent from the published package). */
export const HANDLER_ENTRY = fileURLToPath(new URL('../../lambdas/handler.ts', import.meta.url));

/**
 * The prebuilt bundle's directory (`index.mjs` + source map) when this module runs from the published package
 * (`dist/lib/constructs/` → `dist/handler/`), else undefined (bundle from the sources).
 */
export function prebuiltHandlerDirectory(): string | undefined {
  if (existsSync(HANDLER_ENTRY)) return undefined;
  const directory = fileURLToPath(new URL('../../handler/', import.meta.url));
  return existsSync(`${directory}index.mjs`) ? directory : undefined;
}
