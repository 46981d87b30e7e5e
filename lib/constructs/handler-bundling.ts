/**
 * How the handler is bundled, in one place: `NodejsFunction` uses it when the construct runs from this repository's
 * TypeScript sources, and the package build (`scripts/build-package.ts`, run by `npm pack`) uses it to ship a
 * prebuilt bundle, so that an app installing the package needs neither TypeScript sources nor esbuild nor Docker.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
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
 * Generated indexes the handler reads on first use, from beside its bundle (`new URL('./x/', import.meta.url)`):
 * directories of one JSON file per service prefix, of which a denial reads only its own service's, copied next to
 * `index.mjs` rather than inlined, so the bundle stays small and its import fast. Paths from the project root.
 */
export const HANDLER_DATA_FILES = ['lambdas/core/iam-index.generated', 'lambdas/core/iam-policy/managed-policy-index.generated'] as const;

/**
 * Modules the handler imports on first use (a computed `import()` the bundler leaves alone), each bundled to a file of
 * its own beside `index.mjs`: output name → entry from the project root. The policy-lookup path and its nine SDK
 * clients stay out of the bundle and out of every cold start unless lookups are on and a denial alerts; the Security
 * Hub client (a fifth of the handler's code) unless the channel is on and has something to import or archive; the
 * alert delivery (renderers, SNS, Slack webhooks and the Slack app's Web API client) until the first alert; the rare
 * paths' SNS, SQS and Secrets Manager clients (operations and own-role notices, the canary check, dead letters) until
 * one of them runs.
 */
export const HANDLER_LAZY_MODULES = {
  'policy-diagnoser.mjs': 'lambdas/adapters/policy-sources/policy-diagnoser.ts',
  'security-hub.mjs': 'lambdas/adapters/security-hub-module.ts',
  'alert-delivery.mjs': 'lambdas/adapters/lambda-notifier.ts',
  'operations.mjs': 'lambdas/adapters/operations-module.ts',
} as const;

/**
 * Packages replaced in the handler's bundles (esbuild's `alias`): the SDK's default credential chain by the part of it a
 * Lambda function can use (`lambdas/adapters/lambda-credentials.ts` says why). From this repository's sources only.
 */
export const HANDLER_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(new URL('../../lambdas/adapters/lambda-credentials.ts', import.meta.url)),
};

/** The aliases as `NodejsFunction`'s `esbuildArgs` (`--alias:old=new`). */
export function handlerAliasArgs(): Record<string, string> {
  return Object.fromEntries(Object.entries(HANDLER_ALIASES).map(([name, path]) => [`--alias:${name}`, path]));
}

/** esbuild build options (its JS API) that bundle `entry` to `outfile` exactly as the handler is bundled. */
export function handlerBuildOptions(entry: string, outfile: string) {
  const { banner, ...options } = HANDLER_BUNDLING;
  return { ...options, mainFields: [...options.mainFields], alias: { ...HANDLER_ALIASES }, entryPoints: [entry], outfile, bundle: true, banner: { js: banner }, logLevel: 'warning' as const };
}

/**
 * Shell commands that complete a bundle in `outputDir` after `index.mjs` (`NodejsFunction`'s after-bundling hook, the
 * package build): the lazy modules, bundled by the project's own esbuild, and the data directories, copied.
 */
export function afterBundlingCommands(inputDir: string, outputDir: string): string[] {
  const esbuild = createRequire(import.meta.url).resolve('esbuild');
  const node = `"${process.execPath}"`;
  const lazy = Object.entries(HANDLER_LAZY_MODULES).map(([name, entry]) => {
    const options = Buffer.from(JSON.stringify(handlerBuildOptions(`${inputDir}/${entry}`, `${outputDir}/${name}`))).toString('base64');
    return `${node} -e "require(process.argv[1]).buildSync(JSON.parse(Buffer.from(process.argv[2], 'base64').toString()))" "${esbuild}" ${options}`;
  });
  const data = HANDLER_DATA_FILES.map(
    (file) => `${node} -e "require('node:fs').cpSync(process.argv[1], process.argv[2], { recursive: true })" "${inputDir}/${file}" "${outputDir}/${file.slice(file.lastIndexOf('/') + 1)}"`,
  );
  return [...lazy, ...data];
}

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
