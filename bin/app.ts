/**
 * The CDK app, one user of the `DenialAlerter` construct library: the central `DenialAlerter` stack (with the
 * organization StackSet when context `organization` is set), or, with context `forwarder` (or `centralAccount`,
 * `centralRegion`, `centralBusArn`), only the `DenialAlerterForwarder` stack. The app never holds both, so
 * `cdk deploy --all` deploys what belongs in the account at hand. Configuration comes from cdk.json context (see
 * docs/deploy.md). Stacks are environment-agnostic: `cdk synth` needs no credentials and no network.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { fileURLToPath } from 'node:url';
import { DenialAlerterStack, centralBusArn } from '../lib/denial-alerter-stack.js';
import { DenialAlerterForwarderStack } from '../lib/forwarder-stack.js';
import { stackConfigFrom } from '../lib/stack-config.js';

/** What `buildApp` built: exactly one of the two stacks. */
export interface BuiltApp {
  readonly app: App;
  readonly central?: DenialAlerterStack;
  readonly forwarder?: DenialAlerterForwarderStack;
}

/** Builds the stack the context asks for and registers cdk-nag's AWS Solutions checks (exported for tests). */
export function buildApp(app: App = new App()): BuiltApp {
  const config = stackConfigFrom(app.node);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  if (config.forwarderOnly) {
    const forwarder = new DenialAlerterForwarderStack(app, 'DenialAlerterForwarder', {
      centralBusArn: config.centralBusArn ?? centralBusArn({ account: config.centralAccount, region: config.centralRegion }),
      extraErrorCodes: config.settings.extraErrorCodes,
      whatChanged: config.whatChanged,
      canary: config.canary ? { scheduleMinutes: config.canaryMinutes, logRetentionDays: config.logRetentionDays } : false,
      description: 'Denial Alerter forwarder: sends this account and Region\'s denials to the central bus',
    });
    return { app, forwarder };
  }
  const central = new DenialAlerterStack(app, 'DenialAlerter', {
    config,
    description: 'Denial Alerter: alerts on AWS AccessDenied spikes',
    extra: {
      // The member template is synthesized on its own: give it the same checks.
      configureMemberStage: (stage) => Validations.of(stage).addPlugins(new AwsSolutionsChecks(stage)),
    },
  });
  return { app, central };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildApp().app.synth();
