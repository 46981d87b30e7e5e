/**
 * The AWS calls the Lambda handler's code makes, read from its SDK imports: every project file the handler bundle and
 * its lazily imported modules take in (esbuild's metafile), and the `…Command` names each imports from
 * `@aws-sdk/client-*` and `@aws-sdk/lib-dynamodb`, as IAM actions.
 */
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HANDLER_LAZY_MODULES } from '../../../lib/constructs/handler-bundling.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LAMBDAS = `${ROOT}lambdas/`;

/** Code the Lambda handler runs: every project file (relative to `lambdas/`) its bundle and its lazily imported modules take in. */
export function handlerFiles(): string[] {
  return Object.keys(
    buildSync({ entryPoints: [`${LAMBDAS}handler.ts`, ...Object.values(HANDLER_LAZY_MODULES).map((entry) => `${ROOT}${entry}`)], absWorkingDir: ROOT, bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', outdir: 'unused' }).metafile!.inputs,
  )
    .filter((path) => path.startsWith('lambdas/') && path.endsWith('.ts'))
    .map((path) => path.slice('lambdas/'.length));
}

/** `@aws-sdk/lib-dynamodb` document commands and the DynamoDB actions they call. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  // IAM has no TransactWriteItems action: a transaction needs the actions of its items, which are Puts in the engine.
  TransactWrite: 'PutItem',
  TransactGet: 'TransactGetItems',
};

/** The IAM actions behind the SDK commands a source file imports. */
export function actionsImportedBy(source: string): string[] {
  const actions: string[] = [];
  for (const [, specifiers, module] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[\w-]+|lib-dynamodb)'/g)) {
    for (const specifier of specifiers!.split(',').map((part) => part.trim())) {
      const name = specifier.split(/\s+as\s+/)[0]!.trim();
      if (specifier.startsWith('type ') || !name.endsWith('Command')) continue;
      const operation = name.slice(0, -'Command'.length);
      if (module === 'lib-dynamodb') actions.push(`dynamodb:${DOCUMENT_COMMANDS[operation] ?? operation}`);
      else actions.push(`${module!.slice('client-'.length).replace('-', '')}:${operation}`);
    }
  }
  return actions;
}

/** The sorted, distinct actions the given handler files (relative to `lambdas/`) call. */
export function callsOf(files: string[]): string[] {
  return [...new Set(files.flatMap((file) => actionsImportedBy(readFileSync(`${LAMBDAS}${file}`, 'utf8'))))].sort();
}
