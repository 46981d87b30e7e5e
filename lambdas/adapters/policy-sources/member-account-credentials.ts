/**
 * Credentials for reading policies in a member account: the handler assumes the account's `DenialAlerterReader` role
 * (created by the organization StackSet, trusted only by the handler's role within the organization). Credentials are
 * cached per account and renewed before they expire; a refused AssumeRole makes every lookup in that account "not
 * checked" (`ReaderRoleAccessDenied`), never a policy that denied.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';

export { MEMBER_READER_ROLE_NAME } from '../../config/env.js';

/** What an SDK client's `credentials` option takes. */
export type CredentialsProvider = () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;

/** The reader role refused (or could not be assumed in) an account; lookups that needed it are "not checked". */
export class ReaderRoleAccessDenied extends Error {
  constructor(
    readonly roleArn: string,
    options: { cause: unknown },
  ) {
    super(`sts:AssumeRole on ${roleArn} failed: ${(options.cause as Error)?.message ?? String(options.cause)}`, options);
    // The name is what the lookup records as the reason; it reads "AccessDenied" so the lookup counts as not permitted.
    this.name = 'ReaderRoleAccessDenied';
  }
}

export interface MemberAccountCredentialsOptions {
  /** STS client with the handler's own credentials. */
  readonly sts: STSClient;
  /** ARN of the reader role with `*` in place of the account, e.g. `arn:aws:iam::*:role/DenialAlerterReader`. */
  readonly roleArnPattern: string;
  /** @default 'denial-alerter' (shows in the member account's CloudTrail as the session name) */
  readonly sessionName?: string;
  /** @default 3600 (one hour, the longest a role chain allows) */
  readonly durationSeconds?: number;
  /** Renew this long before expiry. @default 5 minutes */
  readonly refreshBeforeMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The reader role's ARN in `accountId`. */
export function readerRoleArn(roleArnPattern: string, accountId: string): string {
  return roleArnPattern.replace(':*:', `:${accountId}:`);
}

/**
 * Returns, per account, a credentials provider that assumes the reader role there: one AssumeRole per account while
 * its credentials last (concurrent callers share it), renewed `refreshBeforeMs` before expiry.
 */
export function memberAccountCredentials(options: MemberAccountCredentialsOptions): (accountId: string) => CredentialsProvider {
  const now = options.now ?? Date.now;
  const refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
  const cached = new Map<string, { expiresAt: number; credentials: Promise<Awaited<ReturnType<CredentialsProvider>>> }>();
  const providers = new Map<string, CredentialsProvider>();

  const assume = async (accountId: string) => {
    const roleArn = readerRoleArn(options.roleArnPattern, accountId);
    try {
      const { Credentials } = await options.sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: options.sessionName ?? 'denial-alerter', DurationSeconds: options.durationSeconds ?? 3600 }),
      );
      if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
      return { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken, expiration: Credentials.Expiration };
    } catch (error) {
      throw new ReaderRoleAccessDenied(roleArn, { cause: error });
    }
  };

  return (accountId) => {
    const existing = providers.get(accountId);
    if (existing) return existing;
    const provider: CredentialsProvider = () => {
      const hit = cached.get(accountId);
      if (hit && hit.expiresAt - refreshBeforeMs > now()) return hit.credentials;
      const credentials = assume(accountId);
      // Until the answer says otherwise, assume the requested duration; a failure is not cached.
      const entry = { expiresAt: now() + (options.durationSeconds ?? 3600) * 1000, credentials };
      cached.set(accountId, entry);
      credentials.then(
        (value) => {
          if (value.expiration) entry.expiresAt = value.expiration.getTime();
        },
        () => {
          if (cached.get(accountId) === entry) cached.delete(accountId);
        },
      );
      return credentials;
    };
    providers.set(accountId, provider);
    return provider;
  };
}
