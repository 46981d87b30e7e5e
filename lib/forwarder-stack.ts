/**
 * `DenialAlerterForwarderStack`: for an account or Region the organization rollout does not cover (an account outside
 * the organization, or a single account's other Regions), it forwards CloudTrail denials from the default bus to the
 * central bus. IAM, STS (global endpoint) and CloudFront denials are recorded in us-east-1: deploy it there too.
 */
import { CliCredentialsStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DenialAlerterCanary, type DenialAlerterCanaryProps } from './constructs/canary.js';
import { DenialAlerterForwarder, type DenialAlerterForwarderProps } from './constructs/denial-forwarder.js';

export type DenialAlerterForwarderStackProps = StackProps &
  DenialAlerterForwarderProps & {
    /** The canary of this account and Region (docs/never-blind.md), or `false`. @default every 15 minutes */
    readonly canary?: DenialAlerterCanaryProps | false;
  };

export class DenialAlerterForwarderStack extends Stack {
  public readonly forwarder: DenialAlerterForwarder;
  public readonly canary?: DenialAlerterCanary;

  constructor(scope: Construct, id: string, props: DenialAlerterForwarderStackProps) {
    // No assets: deployed with the caller's credentials, so member accounts need no `cdk bootstrap`, and the template
    // has no bootstrap-version parameter.
    super(scope, id, { synthesizer: new CliCredentialsStackSynthesizer(), ...props });
    // `Default`: left out of logical ids, which stay what they were before the construct existed.
    this.forwarder = new DenialAlerterForwarder(this, 'Default', props);
    if (props.canary !== false) this.canary = new DenialAlerterCanary(this, 'Canary', props.canary);
  }
}
