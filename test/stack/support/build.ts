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
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'cdk-test-')),
    context: { ...CDK_JSON_CONTEXT, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
  });
  const built = buildApp(app);
  return { ...built, central: Template.fromStack(built.central), forwarder: Template.fromStack(built.forwarder) };
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
  extraErrorCodes: ['AuthorizationError'],
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
