import { Aws, Validations } from 'aws-cdk-lib';
import { ArnPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MEMBER_READER_ROLE_NAME } from '../../lambdas/config/env.js';
import { policyLookupGrants } from '../policy-lookups.js';

export interface ReaderRoleProps {
  /** The central handler's role: the only principal the reader role trusts. May be a token (a StackSet parameter). */
  readonly handlerRoleArn: string;
  /** The organization the handler's role must belong to (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** @default 'DenialAlerterReader' (the name the handler assumes in every member account) */
  readonly roleName?: string;
}

/**
 * `DenialAlerterReader`: the read-only role the central handler assumes in a member account to read the policies
 * behind a denial there. Trusted only by the handler's role, from inside the organization; allowed exactly the
 * lookups of `lib/policy-lookups.ts` scoped to this account, except Organizations (read centrally, where the
 * management account or the delegated administrator may).
 */
export class ReaderRole extends Construct {
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: ReaderRoleProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      roleName: props.roleName ?? MEMBER_READER_ROLE_NAME,
      description: 'Denial Alerter: read-only policy lookups for the central handler',
      assumedBy: new ArnPrincipal(props.handlerRoleArn).withConditions({ StringEquals: { 'aws:PrincipalOrgID': props.organizationId } }),
    });
    const grants = readerGrants(Aws.PARTITION, Aws.ACCOUNT_ID);
    const findings = readerGrants('<AWS::Partition>', '<AWS::AccountId>');
    grants.forEach((grant, index) => {
      this.role.addToPolicy(new PolicyStatement({ sid: grant.sid, actions: [...grant.actions], resources: [...grant.resources] }));
      for (const resource of findings[index]!.resources.filter((arn) => arn.includes('*'))) {
        Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: `Read-only policy lookups of the central handler in this member account. ${grant.reason}.` });
      }
    });
  }
}

/** The lookup grants a member account's reader role holds: all but Organizations. */
export function readerGrants(partition: string, account: string) {
  return policyLookupGrants({ partition, account }).filter((grant) => grant.actions.every((action) => !action.startsWith('organizations:')));
}
