/**
 * The SDK clients preflight uses, all with the caller's own credentials (the default credential chain, or a named
 * profile), one Region, and optional endpoint overrides per service: `--endpoint-url`, or the SDK's standard
 * environment variables `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` (service ids upper-cased, spaces as
 * underscores: https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';

/** Each client preflight calls. */
export interface PreflightClients {
  readonly sts: STSClient;
  readonly cloudtrail: CloudTrailClient;
  readonly serviceQuotas: ServiceQuotasClient;
  readonly cloudformation: CloudFormationClient;
  readonly ssm: SSMClient;
  readonly organizations: OrganizationsClient;
  readonly secretsManager: SecretsManagerClient;
  readonly sns: SNSClient;
  readonly eventBridge: EventBridgeClient;
}

/** The `AWS_ENDPOINT_URL_<SERVICE>` suffix of each client. */
export const ENDPOINT_ENV_SUFFIX = {
  sts: 'STS',
  cloudtrail: 'CLOUDTRAIL',
  serviceQuotas: 'SERVICE_QUOTAS',
  cloudformation: 'CLOUDFORMATION',
  ssm: 'SSM',
  organizations: 'ORGANIZATIONS',
  secretsManager: 'SECRETS_MANAGER',
  sns: 'SNS',
  eventBridge: 'EVENTBRIDGE',
} as const satisfies Record<keyof PreflightClients, string>;

export interface PreflightClientOptions {
  readonly region: string;
  readonly profile?: string;
  /** Environment to read keys and endpoint overrides from (the process's, or a test's). */
  readonly env: NodeJS.ProcessEnv;
  /** `--endpoint-url`: one endpoint for every service (a test's loopback account). */
  readonly endpointUrl?: string;
}

/** The endpoint override of one client, if any. */
export function endpointFor(service: keyof PreflightClients, options: Pick<PreflightClientOptions, 'env' | 'endpointUrl'>): string | undefined {
  return options.env[`AWS_ENDPOINT_URL_${ENDPOINT_ENV_SUFFIX[service]}`] || options.endpointUrl || options.env.AWS_ENDPOINT_URL || undefined;
}

/** Builds the clients: keys from `env` when given there (and no profile), else the SDK's default chain. */
export function preflightClients(options: PreflightClientOptions): PreflightClients {
  const { env, profile } = options;
  const credentials =
    !profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN }
      : defaultProvider(profile ? { profile } : {});
  // The SDK retries throttling and transient errors itself (standard mode, 3 attempts); a silent endpoint times out.
  const base = (service: keyof PreflightClients) => ({
    region: options.region,
    credentials,
    endpoint: endpointFor(service, options),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
  });
  return {
    sts: new STSClient(base('sts')),
    cloudtrail: new CloudTrailClient(base('cloudtrail')),
    serviceQuotas: new ServiceQuotasClient(base('serviceQuotas')),
    cloudformation: new CloudFormationClient(base('cloudformation')),
    ssm: new SSMClient(base('ssm')),
    // Organizations answers from us-east-1 in the commercial partition (Organizations endpoints and quotas).
    // (China and GovCloud have their own): the commercial partition's calls go to us-east-1 unless overridden.
    organizations: new OrganizationsClient({ ...base('organizations'), region: endpointFor('organizations', options) || /^(cn|us-gov|us-iso[a-z]*)-/.test(options.region) ? options.region : 'us-east-1' }),
    secretsManager: new SecretsManagerClient(base('secretsManager')),
    sns: new SNSClient(base('sns')),
    eventBridge: new EventBridgeClient(base('eventBridge')),
  };
}

/** Closes every client's connections. */
export function destroyClients(clients: PreflightClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
