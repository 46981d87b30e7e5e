/**
 * The keys under which a change is filed and a denial looks for it. Both sides reduce an ARN to the same key: an IAM
 * role, user or group without its path (CloudTrail's IAM calls name only the role; role names are unique in an
 * account whatever the path), an S3 object to its bucket, a Lambda function without version or alias, a Secrets
 * Manager secret without its random suffix.
 */

const IAM_PRINCIPAL = /^arn:([^:]+):iam::(\d{12}):(role|user|group)\/(?:.*\/)?([^/]+)$/;
const S3 = /^arn:([^:]+):s3:::([^/]+)(?:\/.*)?$/;
const LAMBDA = /^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+)(?::.+)?$/;
const SECRET = /^(arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:.+)-[A-Za-z0-9?]{6}$/;
const STS_ASSUMED_ROLE = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

/** The key of an ARN (see the file comment); other ARNs are their own key. */
export function targetKey(arn: string): string {
  const principal = IAM_PRINCIPAL.exec(arn);
  if (principal) return `arn:${principal[1]}:iam::${principal[2]}:${principal[3]}/${principal[4]}`;
  const assumed = STS_ASSUMED_ROLE.exec(arn);
  if (assumed) return `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
  const s3 = S3.exec(arn);
  if (s3) return `arn:${s3[1]}:s3:::${s3[2]}`;
  const lambda = LAMBDA.exec(arn);
  if (lambda) return lambda[1]!;
  const secret = SECRET.exec(arn);
  if (secret) return secret[1]!;
  return arn;
}

/** The 12-digit account of an ARN, or null (S3 bucket ARNs have none). */
export function accountOfArn(arn: string | null | undefined): string | null {
  const match = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn ?? '');
  return match ? match[1]! : null;
}

/** The partition of an ARN (`aws` when not an ARN). */
export function partitionOfArn(arn: string | null | undefined): string {
  const match = /^arn:([^:]+):/.exec(arn ?? '');
  return match ? match[1]! : 'aws';
}

/** An IAM role, user or group ARN from its name (CloudTrail's IAM calls name it, without path). */
export function iamPrincipalArn(partition: string, accountId: string, kind: 'role' | 'user' | 'group', name: string): string {
  return `arn:${partition}:iam::${accountId}:${kind}/${name.slice(name.lastIndexOf('/') + 1)}`;
}

/** The name of an IAM Identity Center permission set behind an `AWSReservedSSO_<name>_<hex>` role, or null. */
export function permissionSetNameOfRole(principalArn: string | null | undefined): string | null {
  const match = /:role\/(?:.*\/)?AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(principalArn ?? '');
  return match ? match[1]! : null;
}

/** The id (`p-…`) at the end of an Organizations policy ARN, or null. */
export function organizationPolicyIdOf(arn: string | null | undefined): string | null {
  const match = /^arn:[^:]+:organizations::\d{12}:policy\/.+\/(p-[0-9a-zA-Z_]+)$/.exec(arn ?? '');
  return match ? match[1]! : null;
}
