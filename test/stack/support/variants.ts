/**
 * The synth variants the IAM tests go over, each as templates with the environment their tokens resolve in: the
 * central stack (default, organization with every option on, back-test construct, Slack app mode), the forwarder
 * stack, and the StackSet member template (parameters filled from the central stack, as the StackSet fills them).
 */
import type { DenialAlerter } from '../../../lib/denial-alerter.js';
import type { DenialAlerterStack } from '../../../lib/denial-alerter-stack.js';
import { Stage } from 'aws-cdk-lib';
import { changeEventPatterns } from '../../../lib/change-pattern.js';
import { memberAccountTemplate, memberStack, MEMBER_TEMPLATE_PARAMETERS, type MemberStack } from '../../../lib/member-template.js';
import { resolvePlaceholders, type CfnTemplate, type PlaceholderEnvironment } from '../../../lib/limits/template-placeholders.js';
import { buildCentral, buildForwarder, FULL_CONTEXT } from './build.js';

/** The central account and Region, a member account, and the organization of the variants. */
export const PLACE = { partition: 'aws', region: 'eu-west-1', centralAccount: '111122223333', memberAccount: '222233334444', externalAccount: '444455556666', organizationId: 'o-a1b2c3d4e5' } as const;

export const CENTRAL_ENV: PlaceholderEnvironment = { partition: PLACE.partition, region: PLACE.region, account: PLACE.centralAccount, stackName: 'DenialAlerter' };

/** One synthesized template and where it is imagined deployed. */
export interface VariantTemplate {
  readonly name: string;
  readonly template: CfnTemplate;
  readonly env: PlaceholderEnvironment;
  /** The organization of the template's account, when it is in one (aws:PrincipalOrgID, aws:ResourceOrgID). */
  readonly organizationId?: string;
}

/** A central variant: its template, and the construct (for the call table). */
export interface CentralVariant extends VariantTemplate {
  readonly alerter: DenialAlerter;
  readonly stack: DenialAlerterStack;
  /** The StackSet's member template, when the variant rolls out to the organization. */
  readonly member?: VariantTemplate;
}

/** The central variants, by name, with the context each is built with. */
export const CENTRAL_CONTEXTS: Record<string, Record<string, unknown>> = {
  default: {},
  organization: FULL_CONTEXT,
  'back-test construct': { backtest: { trailBucket: 'org-trail-bucket', organizationId: PLACE.organizationId } },
  'Slack app mode': { slackAppSecretName: 'denial-alerter/slack-app', slackWebhookSecretName: 'denial-alerter/slack-webhook' },
  'external accounts': { externalAccounts: [PLACE.externalAccount] },
};

/** Builds one central variant (and its member template in organization mode). */
export function centralVariant(name: string): CentralVariant {
  const built = buildCentral(CENTRAL_CONTEXTS[name]);
  const template = built.central.toJSON() as CfnTemplate;
  const alerter = built.centralStack.alerter;
  const stackSet = Object.values(template.Resources ?? {}).find((resource) => resource.Type === 'AWS::CloudFormation::StackSet');
  const member = stackSet ? memberVariant(`${name}: StackSet member template`, JSON.parse(stackSet.Properties!.TemplateBody as string) as CfnTemplate, template) : undefined;
  const organizationId = CENTRAL_CONTEXTS[name]!.organizationId as string | undefined;
  return { name, template, env: CENTRAL_ENV, alerter, stack: built.centralStack, ...(organizationId ? { organizationId } : {}), ...(member ? { member } : {}) };
}

/** A member account's template, its parameters filled from the central template as the StackSet fills them. */
export function memberVariant(name: string, template: CfnTemplate, central: CfnTemplate): VariantTemplate {
  const P = MEMBER_TEMPLATE_PARAMETERS;
  const centralValue = (token: unknown) => String(resolvePlaceholders(token, central, CENTRAL_ENV));
  const stackSet = Object.values(central.Resources ?? {}).find((resource) => resource.Type === 'AWS::CloudFormation::StackSet')!;
  const parameters = Object.fromEntries((stackSet.Properties!.Parameters as Array<{ ParameterKey: string; ParameterValue: unknown }>).map((entry) => [entry.ParameterKey, centralValue(entry.ParameterValue)]));
  for (const key of Object.values(P)) if (!(key in parameters)) throw new Error(`the StackSet does not fill parameter ${key}`);
  return { name, template, env: { partition: PLACE.partition, region: PLACE.region, account: PLACE.memberAccount, stackName: 'StackSet-DenialAlerter-members', parameters }, organizationId: parameters[P.organizationId] };
}

/**
 * The forwarder stack, sending to the central bus of {@link PLACE}: deployed in a member account of the organization
 * by default, or (`account` the central account) in another Region of the central account.
 */
export function forwarderVariant(options: { account?: string; organizationId?: string; name?: string } = {}): VariantTemplate & { built: ReturnType<typeof buildForwarder> } {
  const built = buildForwarder({ centralAccount: PLACE.centralAccount, centralRegion: PLACE.region });
  const account = options.account ?? PLACE.memberAccount;
  return {
    name: options.name ?? 'forwarder stack',
    template: built.forwarder.toJSON() as CfnTemplate,
    env: { partition: PLACE.partition, region: account === PLACE.centralAccount ? 'eu-central-1' : PLACE.region, account, stackName: 'DenialAlerterForwarder' },
    ...(options.organizationId ? { organizationId: options.organizationId } : {}),
    built,
  };
}

/**
 * The member stack an organization variant's StackSet deploys, built again from the same props (the same logical
 * ids as the template in the StackSet), with its template: the constructs the call table names.
 */
export function organizationMember(central: CentralVariant): VariantTemplate & { stack: MemberStack } {
  const stack = memberStack({ extraErrorCodes: central.alerter.settings.extraErrorCodes, changeEventPatterns: changeEventPatterns() });
  const template = Stage.of(stack)!.synth().getStackArtifact(stack.artifactId).template as CfnTemplate;
  return { ...memberVariant(`${central.name}: member account`, template, central.template), stack };
}

/** The default member template (no change rules), parameters as a StackSet of the organization variant would fill them. */
export function defaultMemberTemplate(central: CfnTemplate): VariantTemplate {
  return memberVariant('StackSet member template (defaults)', memberAccountTemplate({}) as CfnTemplate, central);
}
