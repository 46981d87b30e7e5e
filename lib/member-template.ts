/**
 * The template every member account and Region gets from the organization StackSet: the forwarder (denials, policy
 * changes and its own alarm to the central bus) and, in the partition's IAM Region only (IAM is global: us-east-1,
 * us-gov-west-1, cn-north-1), the `DenialAlerterReader` role. Built as a CDK stack in its own stage and synthesized to a plain template: no assets, no bootstrap-version
 * parameter, so member accounts need no `cdk bootstrap`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aws, CfnCondition, CfnParameter, CfnResource, CliCredentialsStackSynthesizer, Fn, Stack, Stage } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { DenialAlerterCanary, type DenialAlerterCanaryProps } from './constructs/canary.js';
import { DenialAlerterForwarder } from './constructs/denial-forwarder.js';
import { ReaderRole } from './constructs/reader-role.js';
import { readerRoleRegions } from './partition-regions.js';

/**
 * The commercial partition's Region where the reader role is created (and which every commercial rollout includes).
 * @deprecated The role is created in the IAM Region of each partition: see `readerRoleRegions()`.
 */
export const READER_ROLE_REGION = 'us-east-1';

/** The template's parameters; the StackSet fills them from the central stack. */
export const MEMBER_TEMPLATE_PARAMETERS = {
  centralBusArn: 'CentralBusArn',
  handlerRoleArn: 'HandlerRoleArn',
  organizationId: 'OrganizationId',
  centralAccountId: 'CentralAccountId',
  centralRegion: 'CentralRegion',
} as const;

export interface MemberTemplateProps {
  /** Opt-in extra error codes, the same as the central stack's. @default [] */
  readonly extraErrorCodes?: readonly string[];
  /** The "what changed" patterns, forwarded by one rule each (the central construct passes `lib/change-pattern.ts`'s). @default no change rules */
  readonly changeEventPatterns?: ReadonlyArray<Record<string, unknown>>;
  /** Called with the member stage before synthesis (e.g. to add cdk-nag's checks). @default nothing */
  readonly configureStage?: (stage: Stage) => void;
  /** The canary of every account and Region the forwarder covers (docs/never-blind.md), or `false`. @default every 15 minutes */
  readonly canary?: DenialAlerterCanaryProps | false;
}

/** The member stack, in a stage of its own (exported so tests and cdk-nag can look at it). */
export class MemberStack extends Stack {
  public readonly forwarder: DenialAlerterForwarder;
  public readonly readerRole: ReaderRole;
  /** Where the forwarder runs (the central stack has its own in its account and Region). */
  public readonly canary?: DenialAlerterCanary;

  constructor(scope: Stage, id: string, props: MemberTemplateProps) {
    super(scope, id, { synthesizer: new CliCredentialsStackSynthesizer(), analyticsReporting: false, description: 'Denial Alerter member account: forwarder, canary and read-only reader role' });
    const parameter = (name: string, description: string) => new CfnParameter(this, name, { type: 'String', description }).valueAsString;
    const P = MEMBER_TEMPLATE_PARAMETERS;
    const centralBusArn = parameter(P.centralBusArn, 'The central event bus');
    const handlerRoleArn = parameter(P.handlerRoleArn, 'The central handler\'s role, the only principal the reader role trusts');
    const organizationId = parameter(P.organizationId, 'The organization (aws:PrincipalOrgID)');
    const centralAccountId = parameter(P.centralAccountId, 'The central stack\'s account');
    const centralRegion = parameter(P.centralRegion, 'The central stack\'s Region (its default bus needs no forwarder)');

    // The central account's own Region is covered by the central stack's rule on its default bus.
    const forwards = new CfnCondition(this, 'ForwardsHere', {
      expression: Fn.conditionNot(Fn.conditionAnd(Fn.conditionEquals(Aws.ACCOUNT_ID, centralAccountId), Fn.conditionEquals(Aws.REGION, centralRegion))),
    });
    // The reader role is created once per account, in the IAM Region of the account's partition.
    const readerRegion = new CfnCondition(this, 'ReaderRoleRegion', { expression: Fn.conditionOr(...readerRoleRegions().map((region) => Fn.conditionEquals(Aws.REGION, region))) });

    this.forwarder = new DenialAlerterForwarder(this, 'Forwarder', {
      centralBusArn,
      extraErrorCodes: props.extraErrorCodes,
      whatChanged: props.changeEventPatterns !== undefined && props.changeEventPatterns.length > 0,
      changeEventPatterns: props.changeEventPatterns,
    });
    this.readerRole = new ReaderRole(this, 'Reader', { handlerRoleArn, organizationId });
    conditionAll(this.forwarder, forwards);
    if (props.canary !== false) {
      this.canary = new DenialAlerterCanary(this, 'Canary', props.canary);
      conditionAll(this.canary, forwards);
    }
    conditionAll(this.readerRole, readerRegion);
  }
}

/** Builds the member stack in a fresh app of its own (not part of the caller's: `cdk deploy --all` never deploys it). */
export function memberStack(props: MemberTemplateProps = {}): MemberStack {
  // An app of its own (validation plugins such as cdk-nag run only under an App), never the caller's.
  const stage = new App({ outdir: mkdtempSync(join(tmpdir(), 'denial-alerter-member-')), autoSynth: false, analyticsReporting: false, treeMetadata: false });
  const stack = new MemberStack(stage, 'DenialAlerterMember', props);
  props.configureStage?.(stage);
  return stack;
}

/** The member template as a CloudFormation template object. */
export function memberAccountTemplate(props: MemberTemplateProps = {}): Record<string, unknown> {
  const stack = memberStack(props);
  const stage = Stage.of(stack)!;
  // A failed validation throws and leaves its report behind for the reader; otherwise only the template is kept.
  const template = stage.synth().getStackArtifact(stack.artifactId).template as Record<string, unknown>;
  rmSync(stage.outdir, { recursive: true, force: true });
  return template;
}

/** Puts every resource under `scope` behind `condition`. */
function conditionAll(scope: IConstruct, condition: CfnCondition): void {
  for (const child of scope.node.findAll()) if (child instanceof CfnResource) child.cfnOptions.condition = condition;
}
