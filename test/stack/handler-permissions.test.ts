import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalAction } from '../../lambdas/core/iam-catalog.js';
import { HANDLER_LAZY_MODULES } from '../../lib/constructs/handler-bundling.js';
import { buildTemplates, FULL_CONTEXT, iamStatementsOf } from './support/build.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAMBDAS = `${ROOT}lambdas/`;
/** Code the Lambda handler runs: every project file its bundle and its lazily imported modules take in. */
const HANDLER_FILES = Object.keys(
  buildSync({ entryPoints: [`${LAMBDAS}handler.ts`, ...Object.values(HANDLER_LAZY_MODULES).map((entry) => `${ROOT}${entry}`)], absWorkingDir: ROOT, bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', outdir: 'unused' }).metafile!.inputs,
)
  .filter((path) => path.startsWith('lambdas/') && path.endsWith('.ts'))
  .map((path) => path.slice('lambdas/'.length));
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
function actionsImportedBy(source: string): string[] {
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

describe('the handler role', () => {
  const callsOf = (files: string[]) => [...new Set(files.flatMap((file) => actionsImportedBy(readFileSync(`${LAMBDAS}${file}`, 'utf8'))))].sort();
  const called = callsOf(HANDLER_FILES);
  const lookups = callsOf(HANDLER_FILES.filter((file) => file.startsWith('adapters/policy-sources/') && !file.includes('/member-account-credentials')));
  const memberAccountCalls = callsOf(HANDLER_FILES.filter((file) => file.includes('/member-account-credentials')));
  const statements = iamStatementsOf(buildTemplates(FULL_CONTEXT).central);
  const actionsOf = (filter: (statement: Record<string, any>) => boolean) => new Set(statements.filter(filter).flatMap((statement) => [statement.Action].flat() as string[]));

  it('is checked against a real list of SDK calls', () => {
    expect(called).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'sns:Publish', 'secretsmanager:GetSecretValue', 'sqs:SendMessage', 'iam:GetRolePolicy']));
    for (const action of called) expect(canonicalAction(action), action).toBe(action);
  });

  it('allows every AWS call the handler code makes (with every option on)', () => {
    const granted = actionsOf(() => true);
    expect(called.filter((action) => !granted.has(action))).toEqual([]);
  });

  it('allows every policy lookup call in the policy lookup statements (not through a grant on its own resources)', () => {
    expect(lookups.length).toBeGreaterThan(10);
    const granted = actionsOf((statement) => String(statement.Sid).startsWith('PolicyLookup'));
    expect(lookups.filter((action) => !granted.has(action))).toEqual([]);
  });

  it('assumes member accounts\' reader roles (and nothing else) through the organization-scoped statement', () => {
    expect(memberAccountCalls).toEqual(['sts:AssumeRole']);
    const granted = actionsOf((statement) => statement.Sid === 'AssumeMemberReaderRoles');
    expect([...granted]).toEqual(['sts:AssumeRole']);
  });
});
