import { Aws, Stack } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MEMBER_TEMPLATE_PARAMETERS, memberAccountTemplate, type MemberTemplateProps } from '../member-template.js';

export interface OrganizationRolloutProps extends MemberTemplateProps {
  /** The organization root (`r-…`) and/or organizational units (`ou-…`) whose accounts, current and future, get the stack. */
  readonly targets: readonly string[];
  /** Regions the forwarder runs in; include us-east-1 (IAM, STS global endpoint and CloudFront events, and the reader role). */
  readonly regions: readonly string[];
  /** Accounts of those units to leave out. @default [] */
  readonly excludeAccounts?: readonly string[];
  /** `DELEGATED_ADMIN` from a delegated administrator account for StackSets, `SELF` from the management account. @default 'DELEGATED_ADMIN' */
  readonly callAs?: 'SELF' | 'DELEGATED_ADMIN';
  /** The organization (the reader role's `aws:PrincipalOrgID` condition). */
  readonly organizationId: string;
  /** The central bus the forwarders send to. */
  readonly centralBusArn: string;
  /** The central handler's role, the only principal the reader roles trust. */
  readonly handlerRoleArn: string;
  /** Where failed stack instances are reported. @default not reported */
  readonly operationsTopic?: ITopic;
  /** @default `<stack name>-members` */
  readonly stackSetName?: string;
}

/**
 * A service-managed StackSet that gives every account of the target units (and every account added to them later)
 * the member template in every listed Region; an account leaving the units loses its stacks. Deployed from the
 * management account or a delegated administrator for StackSets; needs trusted access for StackSets in Organizations.
 */
export class OrganizationRollout extends Construct {
  public readonly stackSet: CfnStackSet;
  /** The member template the StackSet deploys (also the right thing to inspect in tests). */
  public readonly template: Record<string, unknown>;
  /** Reports stack instances that failed, to the operations topic. */
  public readonly failedInstancesRule?: Rule;

  constructor(scope: Construct, id: string, props: OrganizationRolloutProps) {
    super(scope, id);
    this.template = memberAccountTemplate(props);
    const stackSetName = props.stackSetName ?? `${Stack.of(this).stackName}-members`;
    const excluded = props.excludeAccounts ?? [];
    const P = MEMBER_TEMPLATE_PARAMETERS;
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName,
      description: 'Denial Alerter: forwarder and reader role in every member account',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: props.callAs ?? 'DELEGATED_ADMIN',
      // The reader role has a fixed name (the handler builds its ARN in each account).
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: 'PARALLEL' },
      templateBody: JSON.stringify(this.template),
      parameters: [
        { parameterKey: P.centralBusArn, parameterValue: props.centralBusArn },
        { parameterKey: P.handlerRoleArn, parameterValue: props.handlerRoleArn },
        { parameterKey: P.organizationId, parameterValue: props.organizationId },
        { parameterKey: P.centralAccountId, parameterValue: Aws.ACCOUNT_ID },
        { parameterKey: P.centralRegion, parameterValue: Aws.REGION },
      ],
      stackInstancesGroup: [
        {
          regions: [...props.regions],
          deploymentTargets: {
            organizationalUnitIds: [...props.targets],
            ...(excluded.length > 0 ? { accounts: [...excluded], accountFilterType: 'DIFFERENCE' } : {}),
          },
        },
      ],
    });
    if (props.operationsTopic) {
      // CloudFormation reports stack instance status changes on the administrator account's default bus.
      this.failedInstancesRule = new Rule(this, 'FailedInstances', {
        description: 'Denial Alerter: member stack instances that failed, to the operations topic',
        eventPattern: {
          source: ['aws.cloudformation'],
          detailType: ['CloudFormation StackSet StackInstance Status Change'],
          detail: {
            'stack-set-arn': [{ wildcard: `*:stackset/${stackSetName}:*` }],
            'status-details': { 'detailed-status': ['FAILED', 'INOPERABLE'] },
          },
        },
        targets: [new SnsTopic(props.operationsTopic)],
      });
    }
  }
}
