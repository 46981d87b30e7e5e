/**
 * What a fix may ask a human to edit. AWS managed policies (`arn:aws:iam::aws:policy/…`) cannot be changed by anyone
 * but AWS; roles under `/aws-reserved/` are provisioned by IAM Identity Center (edit the permission set, not the role);
 * service-linked roles under `/aws-service-role/` are defined by their service. A fix never suggests editing them.
 */

/** True for an AWS managed policy ARN (in any partition). */
export function isAwsManagedPolicy(arn: string | null | undefined): boolean {
  return typeof arn === 'string' && /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn);
}

/** Who owns the permissions of a principal, and so where a change to its identity side is made. */
export type PrincipalOwner = 'iam' | 'identity-center' | 'service';

/** The owner of a principal's identity policies, from its ARN's path. */
export function principalOwner(principalArn: string | null | undefined): PrincipalOwner {
  if (typeof principalArn !== 'string') return 'iam';
  if (/:role\/aws-reserved\/sso\.amazonaws\.com\//.test(principalArn) || /:role\/aws-reserved\//.test(principalArn)) return 'identity-center';
  if (/:role\/aws-service-role\//.test(principalArn)) return 'service';
  return 'iam';
}

/**
 * Where an identity-side change for a principal is made, in words: its identity policy in IAM, the Identity Center
 * permission set behind an `/aws-reserved/` role, or nowhere a customer can edit for a service-linked role.
 */
export function identityChangeWhere(principalArn: string, what = 'an identity policy'): string {
  switch (principalOwner(principalArn)) {
    case 'identity-center':
      return `the IAM Identity Center permission set that provisions ${principalArn} (roles under /aws-reserved/ cannot be edited in IAM)`;
    case 'service':
      return `nowhere you can edit: ${principalArn} is a service-linked role whose permissions its service defines`;
    case 'iam':
      return `${what} of ${principalArn}`;
  }
}
