/** Slack app mode in the stack: the interaction endpoint exists only then, is least-privilege, and cdk-nag is clean. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SLACK_APP_ENV } from '../../lambdas/config/env.js';
import { buildCentral } from './support/build.js';

function violations(outdir: string): unknown[] {
  const report = join(outdir, 'validation-report.json');
  if (!existsSync(report)) return [];
  return (JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: Array<{ violations?: unknown[] }> }).pluginReports.flatMap((plugin) => plugin.violations ?? []);
}

describe('Slack app mode in the stack', () => {
  it('adds the interaction Function URL and its output only with slackAppSecretName, and nag finds nothing', () => {
    const { app, central } = buildCentral({ slackAppSecretName: 'denial-alerter/slack-app' });
    expect(() => app.synth()).not.toThrow();
    expect(violations(app.outdir)).toEqual([]);
    central.hasOutput('SlackInteractionsUrl', {});
    central.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    central.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ [SLACK_APP_ENV.secretArn]: Match.anyValue(), DENIAL_TABLE_NAME: Match.anyValue() }) }, Timeout: 5 });
    const policies = central.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: Array<{ Sid?: string; Action: unknown }> } } }).Properties.PolicyDocument.Statement);
    expect([...(statements.find((statement) => statement.Sid === 'ResponderItems')?.Action as string[])].sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(statements.filter((statement) => statement.Sid === 'SlackAppSecret')).toHaveLength(2);
  });

  it('creates no endpoint in webhook mode', () => {
    const { central } = buildCentral({ slackWebhookSecretName: 'denial-alerter/slack-webhook' });
    expect(Object.keys(central.findResources('AWS::Lambda::Url'))).toEqual([]);
    expect(Object.keys(central.findOutputs('SlackInteractionsUrl'))).toEqual([]);
  });
});
