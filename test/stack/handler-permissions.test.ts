import { describe, expect, it } from 'vitest';
import { canonicalAction } from '../../lambdas/core/iam-catalog.js';
import { buildTemplates, FULL_CONTEXT, iamStatementsOf } from './support/build.js';
import { callsOf, handlerFiles } from './support/handler-calls.js';

const HANDLER_FILES = handlerFiles();

describe('the handler role', () => {
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
