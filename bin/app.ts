/**
 * The CDK app: the central `DenialAlerter` stack and the `DenialAlerterForwarder` stack for other Regions and member
 * accounts. Configuration comes from cdk.json context (see docs/deploy.md). Both stacks are environment-agnostic:
 * `cdk synth` needs no credentials and no network, and `cdk deploy` targets the credentials' account and Region.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { fileURLToPath } from 'node:url';
import { DenialAlerterStack, centralBusArn } from '../lib/denial-alerter-stack.js';
import { DenialAlerterForwarderStack } from '../lib/forwarder-stack.js';
import { stackConfigFrom } from '../lib/stack-config.js';

/** Builds both stacks on `app` and registers cdk-nag's AWS Solutions checks (exported for tests). */
export function buildApp(app: App = new App()): { app: App; central: DenialAlerterStack; forwarder: DenialAlerterForwarderStack } {
  const config = stackConfigFrom(app.node);
  const central = new DenialAlerterStack(app, 'DenialAlerter', { config, description: 'Denial Alerter: alerts on AWS AccessDenied spikes' });
  const forwarder = new DenialAlerterForwarderStack(app, 'DenialAlerterForwarder', {
    centralBusArn: config.centralBusArn ?? centralBusArn({ account: config.centralAccount, region: config.centralRegion }),
    extraErrorCodes: config.settings.extraErrorCodes,
    description: 'Denial Alerter forwarder: sends this account and Region\'s denials to the central bus',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, central, forwarder };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildApp().app.synth();
