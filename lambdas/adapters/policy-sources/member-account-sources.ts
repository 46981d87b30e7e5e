/**
 * Policy sources per account: in the handler's own account its own clients, in a member account clients that sign
 * with the member's reader role (`member-account-credentials.ts`). Built lazily, one set per account, reused.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import type { AccountPolicySources } from './gather-policies.js';
import { IamPrincipalPolicies } from './iam-principal-policies.js';
import { MEMBER_ACCOUNTS_ENV } from '../../config/env.js';
import { memberAccountCredentials, type CredentialsProvider } from './member-account-credentials.js';

/** Options every client gets (Region, and in tests a local endpoint). */
export interface MemberClientConfig {
  readonly region?: string;
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  readonly maxAttempts?: number;
}

export interface MemberAccountSourcesOptions {
  /** The handler's own account: its denials are read with the handler's own sources (`undefined` is returned). */
  readonly ownAccountId?: string;
  /** A credentials provider for an account (the reader role there). */
  readonly credentialsFor: (accountId: string) => CredentialsProvider;
  /** @default {} (the Lambda's Region, real endpoints) */
  readonly clientConfig?: MemberClientConfig;
}

/** Returns the sources for an account: `undefined` for the handler's own account, reader-role clients for the others. */
export function memberAccountSources(options: MemberAccountSourcesOptions): (accountId: string) => AccountPolicySources | undefined {
  const byAccount = new Map<string, AccountPolicySources>();
  return (accountId) => {
    if (!/^\d{12}$/.test(accountId) || accountId === options.ownAccountId) return undefined;
    let sources = byAccount.get(accountId);
    if (!sources) {
      const config = { ...options.clientConfig, credentials: options.credentialsFor(accountId) };
      sources = {
        iam: new IamPrincipalPolicies(new IAMClient(config)),
        sts: new STSClient(config),
        resources: {
          s3: new S3Client(config),
          kms: new KMSClient(config),
          sqs: new SQSClient(config),
          sns: new SNSClient(config),
          lambda: new LambdaClient(config),
          secretsManager: new SecretsManagerClient(config),
          ecr: new ECRClient(config),
        },
      };
      byAccount.set(accountId, sources);
    }
    return sources;
  };
}

/**
 * The per-account sources the handler's environment asks for (`MEMBER_ACCOUNTS_ENV`, set by the stack with the
 * organization rollout), or undefined: without them every lookup runs with the handler's own credentials.
 */
export function memberAccountSourcesFromEnvironment(
  env: NodeJS.ProcessEnv,
  options: { sts?: STSClient; clientConfig?: MemberClientConfig } = {},
): ((accountId: string) => AccountPolicySources | undefined) | undefined {
  const roleArnPattern = env[MEMBER_ACCOUNTS_ENV.readerRoleArnPattern];
  if (!roleArnPattern) return undefined;
  const sts = options.sts ?? new STSClient(options.clientConfig ?? {});
  return memberAccountSources({ ownAccountId: env[MEMBER_ACCOUNTS_ENV.ownAccountId], credentialsFor: memberAccountCredentials({ sts, roleArnPattern }), clientConfig: options.clientConfig });
}
