import { describe, expect, it } from 'vitest';
import type { AlertSummary, TopValues } from '../../lambdas/core/alert.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { simulateCommand, suggestFix } from '../../lambdas/core/render/least-privilege.js';
import { arnPattern, resourceScope, UNKNOWN_RESOURCE } from '../../lambdas/core/render/resource-scope.js';
import { ec2GetPasswordDataWindow, lambdaLogStreams } from './alerts.js';

const top = (values: string[], distinct = values.length, others = 0): TopValues => ({ top: values.map((value) => ({ value, count: 1 })), others, distinct });
const window = (resources: TopValues): AlertSummary['window'] => ({ sourceIps: top([]), userAgents: top([]), sessionNames: top([]), resources, actions: top([]) });

describe('the fix covers what the alert is about: the family or the distinct resources, never one member of many', () => {
  it('29 GetPasswordData denials on 29 instances: the statement, resource line and simulate command all speak of instance/*', () => {
    const fix = suggestFix(ec2GetPasswordDataWindow);
    expect(fix.kind === 'allow' && fix.primary.statement.Resource).toBe('arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/*');
    expect(simulateCommand(ec2GetPasswordDataWindow)).toContain("--resource-arns 'arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/*'");
    expect(renderAlertText(ec2GetPasswordDataWindow)).toContain('resource  arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/* (29 distinct denied)');
    expect(buildSnsMessage(ec2GetPasswordDataWindow).message).toContain('Resource:      arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/* (29 distinct denied)');
    const slack = JSON.stringify(buildSlackMessage(ec2GetPasswordDataWindow));
    expect(slack).toContain('*Resource* `arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/*` (29 distinct denied)');
    expect(slack).not.toContain('i-0a1b2c3d4e5f60001');
  });

  it('a Lambda role denied CreateLogStream on new streams: every stream of its log group (log-stream:*), in the log-stream ARN format', () => {
    const fix = suggestFix(lambdaLogStreams);
    expect(fix.kind === 'allow' && fix.primary.statement.Resource).toBe('arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders-api-handler:log-stream:*');
    // Even without window context (one stream in the sample), the family decides.
    const single = suggestFix({ ...lambdaLogStreams, window: undefined });
    expect(single.kind === 'allow' && single.primary.statement.Resource).toBe('arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders-api-handler:log-stream:*');
  });

  it('a few distinct resources that are not one family: listed (up to 5), and counted', () => {
    const tables = ['orders', 'payments', 'users'].map((name) => `arn:aws:dynamodb:eu-west-1:111122223333:table/${name}`);
    const scope = resourceScope({ resource: tables[0]!, resourceFamily: tables[0]!, window: window(top(tables)) }, 'dynamodb:GetItem');
    expect(scope).toMatchObject({ kind: 'list', resources: tables, distinct: 3 });
  });

  it('many distinct resources that are not one family: one pattern over where the top 5 differ, and a note', () => {
    const tables = Array.from({ length: 5 }, (_, index) => `arn:aws:dynamodb:eu-west-1:111122223333:table/t${index}`);
    const alert = { ...lambdaLogStreams, action: 'dynamodb:GetItem', resource: tables[0]!, resourceFamily: tables[0]!, window: window(top(tables, 12, 7)) };
    expect(resourceScope(alert, 'dynamodb:GetItem')).toMatchObject({ kind: 'pattern', resources: ['arn:aws:dynamodb:eu-west-1:111122223333:table/*'], distinct: 12, unverified: 7 });
    const fix = suggestFix(alert);
    expect(fix.kind === 'allow' && fix.notes.join(' ')).toContain('derived from the 5 most denied of 12 distinct resources');
  });

  it('denials that named no resource are counted apart, never turned into "*"', () => {
    const scope = resourceScope({ resource: null, resourceFamily: null, window: window({ top: [{ value: '(unknown)', count: 4 }], others: 0, distinct: 1 }) }, 's3:GetObject');
    expect(scope).toMatchObject({ kind: 'unknown', resources: [UNKNOWN_RESOURCE], unnamed: 4, known: false });
  });

  it('puts wildcards only where the ARN format has a variable (never in a fixed part of the ARN)', () => {
    expect(arnPattern('ec2:GetPasswordData', ['arn:aws:ec2:eu-west-1:1:instance/i-1', 'arn:aws:ec2:eu-west-1:1:instance/i-2'], null)).toBe('arn:aws:ec2:eu-west-1:1:instance/*');
    expect(arnPattern('s3:GetObject', ['arn:aws:s3:::b/logs/2024/a.gz', 'arn:aws:s3:::b/logs/2025/b.gz'], 'arn:aws:s3:::b/logs/*')).toBe('arn:aws:s3:::b/logs/*');
    // Instances in two accounts: the account becomes *, the resource type stays.
    expect(arnPattern('ec2:GetPasswordData', ['arn:aws:ec2:eu-west-1:111111111111:instance/i-1', 'arn:aws:ec2:eu-west-1:222222222222:instance/i-1'], null)).toBe('arn:aws:ec2:eu-west-1:*:instance/i-1');
    // A value that fits none of the action's resource types gives no pattern.
    expect(arnPattern('ec2:GetPasswordData', ['arn:aws:s3:::bucket'], null)).toBeNull();
  });

  it('one caller denied on many actions: no statement for the one action of the sample', () => {
    const actions = ['iam:ListUsers', 'iam:ListRoles', 's3:ListAllMyBuckets', 'ec2:DescribeInstances'];
    const alert: AlertSummary = { ...lambdaLogStreams, reason: 'distinct-actions', scope: 'principal', action: 'iam:ListUsers', window: { ...window(top([]))!, actions: top(actions, 37, 33) } };
    expect(suggestFix(alert)).toEqual({ kind: 'none', reason: 'Denied on 37 distinct actions (iam:ListUsers, iam:ListRoles, s3:ListAllMyBuckets, …): no one statement fixes that; read the history before granting anything.' });
    expect(simulateCommand(alert)).toBeNull();
    expect(renderAlertText(alert)).not.toContain('"Effect"');
  });
});
