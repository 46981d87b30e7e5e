import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../../bin/app.js';

/** Builds the app with the given context; bundling is skipped unless asked for (it is tested once, for real). */
export function buildTemplates(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}) {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'cdk-test-')),
    context: { ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
  });
  const built = buildApp(app);
  return { ...built, central: Template.fromStack(built.central), forwarder: Template.fromStack(built.forwarder) };
}

export const FULL_CONTEXT = {
  slackWebhookSecretName: 'denial-alerter/slack-webhook',
  alertEmails: ['secops@example.com'],
  organizationId: 'o-a1b2c3d4e5',
  createTrail: true,
  trailDataEvents: ['s3', 'lambda'],
  policyLookups: true,
};
