/**
 * The CDK app: the central `DenialAlerter` stack and the `DenialAlerterForwarder` stack for member accounts and
 * Regions. Configuration comes from cdk.json context (see docs/deploy.md). Synthesizes offline, without credentials.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DenialAlerterStack, defaultCentralBusArn } from '../lib/denial-alerter-stack.js';
import { DenialAlerterForwarderStack } from '../lib/forwarder-stack.js';
import { stackConfigFrom } from '../lib/stack-config.js';

/** Builds the app (exported for tests). */
export function buildApp(app: App = new App()): { app: App; central: DenialAlerterStack; forwarder: DenialAlerterForwarderStack } {
  const config = stackConfigFrom(app.node);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const central = new DenialAlerterStack(app, 'DenialAlerter', { config, env, description: 'Denial Alerter: alerts on AWS AccessDenied spikes' });
  const forwarder = new DenialAlerterForwarderStack(app, 'DenialAlerterForwarder', {
    env,
    centralBusArn: config.centralBusArn ?? defaultCentralBusArn(),
    extraErrorCodes: config.settings.extraErrorCodes,
    description: 'Denial Alerter forwarder: sends this account and Region\'s denials to the central bus',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, central, forwarder };
}

if (import.meta.url === `file://${process.argv[1]}`) buildApp().app.synth();
