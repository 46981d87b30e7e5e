import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../../bin/app.js';

/** The context of the repository's cdk.json (defaults and feature flags), as `cdk synth` reads it. */
export const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;

/**
 * Builds the app with cdk.json's context overridden by `context`; esbuild is skipped unless asked for (the synth test
 * bundles for real).
 */
export function buildTemplates(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}) {
  const central = buildCentral(context, options);
  // The app holds one stack at a time: the forwarder comes from its own app, given the forwarder's context.
  const forwarderContext = Object.fromEntries(Object.entries(context).filter(([key]) => !['organization'].includes(key)));
  const forwarder = buildForwarder(forwarderContext);
  return { ...central, forwarder: forwarder.forwarder, forwarderApp: forwarder.app, forwarderStack: forwarder.forwarderStack };
}

function newApp(context: Record<string, unknown>, options: { bundle?: boolean } = {}): App {
  return new App({
    outdir: mkdtempSync(join(tmpdir(), 'cdk-test-')),
    context: { ...CDK_JSON_CONTEXT, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
  });
}

/** The central app (context without `forwarder`). */
export function buildCentral(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}) {
  const built = buildApp(newApp(context, options));
  if (!built.central) throw new Error('the app built no central stack');
  return { app: built.app, centralStack: built.central, central: Template.fromStack(built.central) };
}

/** The forwarder app (context `forwarder: true` added). */
export function buildForwarder(context: Record<string, unknown> = {}) {
  const built = buildApp(newApp({ forwarder: true, ...context }));
  if (!built.forwarder) throw new Error('the app built no forwarder stack');
  return { app: built.app, forwarderStack: built.forwarder, forwarder: Template.fromStack(built.forwarder) };
}

/** Every option on. */
export const FULL_CONTEXT = {
  slackWebhookSecretName: 'denial-alerter/slack-webhook',
  alertEmails: ['secops@example.com'],
  organizationId: 'o-a1b2c3d4e5',
  createTrail: true,
  trailDataEvents: ['s3', 'lambda'],
  trailNetworkActivitySources: ['ec2.amazonaws.com', 'kms.amazonaws.com'],
  policyLookups: true,
  securityHub: true,
  extraErrorCodes: ['AuthorizationError'],
  organization: { targets: ['ou-ab12-abcdefgh', 'r-ab12'], regions: ['eu-west-1', 'eu-central-1'], excludeAccounts: ['999988887777'] },
  routes: [
    { name: 'payments', match: { accounts: ['222233334444'] }, slackWebhookSecretName: 'denial-alerter/payments-webhook', snsTopicArn: 'arn:aws:sns:eu-west-1:111122223333:payments-security' },
    { name: 'platform', match: { organizationalUnits: ['ou-ab12-abcdefgh'] }, slackWebhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:platform-webhook-AbCdEf' },
    { name: 'default', slackWebhookSecretName: 'denial-alerter/slack-webhook' },
  ],
  accountOrganizationalUnits: { '222233334444': ['ou-ab12-abcdefgh', 'r-ab12'] },
};

type Resource = { Properties: Record<string, any> };

/** The resources of one type, without their logical ids. */
export function resourcesOf(template: Template, type: string): Resource[] {
  return Object.values(template.findResources(type)) as Resource[];
}

/** Every statement of every IAM policy and inline role policy in a template. */
export function iamStatementsOf(template: Template): Array<Record<string, any>> {
  const documents = [
    ...resourcesOf(template, 'AWS::IAM::Policy').map((policy) => policy.Properties.PolicyDocument),
    ...resourcesOf(template, 'AWS::IAM::Role').flatMap((role) => (role.Properties.Policies ?? []).map((policy: any) => policy.PolicyDocument)),
  ];
  return documents.flatMap((document) => document.Statement);
}
