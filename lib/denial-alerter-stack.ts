/**
 * `DenialAlerterStack`: the repository's own central stack, one `DenialAlerter` configured from `cdk.json` context.
 * The construct has the id `Default`, which CDK leaves out of logical ids: templates keep the ids they had before the
 * construct existed, so existing deployments update in place.
 */
import { Aws, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CENTRAL_BUS_NAME, DenialAlerter, type DenialAlerterProps } from './denial-alerter.js';
import { Backtest, backtestPropsFromContext } from './constructs/backtest.js';
import type { StackConfig } from './stack-config.js';

export { CENTRAL_BUS_NAME } from './denial-alerter.js';
export { RULE_RETRY_POLICY } from './constructs/denial-forwarder.js';

export interface DenialAlerterStackProps extends StackProps {
  readonly config: StackConfig;
  /** Construct props the context cannot express (the "what changed" pattern, cdk-nag on the member stage). @default none */
  readonly extra?: Pick<DenialAlerterProps, 'configureMemberStage'>;
}

export class DenialAlerterStack extends Stack {
  public readonly alerter: DenialAlerter;
  /** The optional back-test kit, with context `backtest` (docs/athena.md). */
  public readonly backtest?: Backtest;

  constructor(scope: Construct, id: string, props: DenialAlerterStackProps) {
    super(scope, id, props);
    this.alerter = new DenialAlerter(this, 'Default', { ...alerterPropsFrom(props.config), ...props.extra });
    const backtest = backtestPropsFromContext(this.node.tryGetContext('backtest'));
    if (backtest) this.backtest = new Backtest(this, 'Backtest', backtest);
  }
}

/** The construct's props from the validated context. */
export function alerterPropsFrom(config: StackConfig): DenialAlerterProps {
  return {
    settings: config.settings,
    slackWebhookSecretName: config.slackWebhookSecretName,
    slackAppSecretName: config.slackAppSecretName,
    alertEmails: config.alertEmails,
    opsEmails: config.opsEmails,
    logRetentionDays: config.logRetentionDays,
    trail: config.createTrail ? { dataEvents: config.trailDataEvents, networkActivitySources: config.trailNetworkActivitySources } : undefined,
    organizationId: config.organizationId,
    organization: config.organization,
    policyLookups: config.policyLookups,
    securityHub: config.securityHub,
    batchSize: config.batchSize,
    maxConcurrency: config.maxConcurrency,
    whatChanged: config.whatChanged,
    externalAccounts: config.externalAccounts,
    routes: config.routes,
    accountOrganizationalUnits: config.accountOrganizationalUnits,
    canary: config.canary ? { scheduleMinutes: config.canaryMinutes } : false,
    canaryExcluded: config.canaryExcluded,
  };
}

/**
 * The ARN of the central bus: in `account` and `region` when given, else in the deploying stack's own (tokens, so
 * that an environment-agnostic template still resolves it at deploy time).
 */
export function centralBusArn(options: { account?: string; region?: string } = {}): string {
  return `arn:${Aws.PARTITION}:events:${options.region ?? Aws.REGION}:${options.account ?? Aws.ACCOUNT_ID}:event-bus/${CENTRAL_BUS_NAME}`;
}
