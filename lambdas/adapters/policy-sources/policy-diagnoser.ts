/**
 * The handler's policy diagnosis of an alerting denial, loaded lazily by `handler.ts` (only with policy lookups on):
 *
 * 1. the project's own evaluation of the policies read from IAM, the resource's service and Organizations (cached);
 * 2. when the message carries an authorization id and the denial is younger than the 24 hours AWS keeps its record,
 *    AWS's own record of the evaluation (IAM Access Troubleshooter, preview): its verdict and matched statements
 *    override the own evaluation, and `decidedBy` says which source decided.
 *
 * A lookup or a call that fails is reported in `notChecked`, never fatal.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { decidedByAws, policyUrisToRead, verdictOf } from '../../core/iam-policy/authorization-details.js';
import { diagnose, refusalDiagnosis, type Diagnosis } from '../../core/iam-policy/diagnose.js';
import type { PolicyDocument } from '../../core/iam-policy/types.js';
import type { Denial } from '../../core/types.js';
import { IamToolboxHttpReader, type AuthorizationDetailsReader } from './access-troubleshooter.js';
import { gatherPolicies, type PolicySources } from './gather-policies.js';
import { IamPrincipalPolicies } from './iam-principal-policies.js';
import type { Lookup } from './lookup-result.js';
import { memberAccountSourcesFromEnvironment } from './member-account-sources.js';
import { OrganizationPolicies } from './organization-policies.js';
import { createTtlCache } from './ttl-cache.js';
import { partitionOf } from '../../core/partition.js';

/** Environment variables of the Access Troubleshooter (all optional). */
export const ACCESS_TROUBLESHOOTER_ENV = {
  /** `false` turns the Access Troubleshooter off while policy lookups stay on. @default on with policy lookups */
  enabled: 'ACCESS_TROUBLESHOOTER',
  /** The IAM Toolbox endpoint. @default `iamToolboxEndpoint(IAM_TOOLBOX_REGION)` */
  endpoint: 'IAM_TOOLBOX_ENDPOINT',
  /** The IAM Toolbox Region (signing Region and default host). @default 'us-east-1' (the preview answers there only) */
  region: 'IAM_TOOLBOX_REGION',
} as const;

/** AWS keeps authorization details "for at least 24 hours after the denial" (IAM Toolbox API reference). */
export const AUTHORIZATION_DETAILS_RETENTION_MS = 24 * 60 * 60_000;

/**
 * How long after a denial AWS may still be writing its record (asynchronously, reported from live calls, September
 * 2026): a `ResourceNotFoundException` for a younger denial is asked again with backoff, an older one is final.
 */
export const RECORD_WRITE_WINDOW_MS = 10 * 60_000;

/** What the diagnoser is built from; every part has the Lambda's default. */
export interface PolicyDiagnoserOptions {
  /** Readers of the policies for the own evaluation; `null` for none. @default SDK clients, cached 15 minutes */
  sources?: PolicySources | null;
  /** AWS's record of the evaluation; `null` for none. @default {@link IamToolboxHttpReader} unless turned off */
  troubleshooter?: AuthorizationDetailsReader | null;
  /** @default Date.now */
  now?: () => number;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Policies of AWS's record read at most (`GetRequestAuthorizationPolicy` calls per denial). @default 5 */
  maxPolicyReads?: number;
}

/**
 * Builds the diagnoser. With no options it is the Lambda's: SDK clients with the default credentials, the member
 * accounts' reader roles when the organization rollout set them, and the Access Troubleshooter.
 *
 * @example const diagnoser = createPolicyDiagnoser(); const diagnosis = await diagnoser(denial);
 */
export function createPolicyDiagnoser(options: PolicyDiagnoserOptions = {}): (denial: Denial) => Promise<Diagnosis> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const sources = options.sources === undefined ? defaultPolicySources(env, now) : options.sources;
  const troubleshooter =
    options.troubleshooter !== undefined
      ? options.troubleshooter
      : env[ACCESS_TROUBLESHOOTER_ENV.enabled] === 'false'
        ? null
        : new IamToolboxHttpReader({ endpoint: env[ACCESS_TROUBLESHOOTER_ENV.endpoint] || undefined, region: env[ACCESS_TROUBLESHOOTER_ENV.region] || undefined });
  const maxPolicyReads = options.maxPolicyReads ?? 5;

  return async function diagnoseDenial(denial: Denial): Promise<Diagnosis> {
    // A refusal no policy lifts: nothing to read or ask.
    if (denial.serviceRefusal) return refusalDiagnosis(denial.serviceRefusal);
    let own: Diagnosis | null = null;
    if (sources) {
      const { policies, notChecked, decoded } = await gatherPolicies(denial, sources);
      const diagnosis = diagnose(denial, policies);
      own = { ...diagnosis, notChecked: [...notChecked, ...diagnosis.notChecked], ...(decoded ? { decodedAuthorization: decoded } : {}) };
    }
    const aws = troubleshooter ? await askAws(troubleshooter, denial, now(), maxPolicyReads) : { note: null, diagnosis: null };
    const base = aws.diagnosis ? decidedByAws(own, aws.diagnosis, denial.denyLayer) : (own ?? undetermined(denial));
    return aws.note ? { ...base, notChecked: [...base.notChecked, aws.note] } : base;
  };
}

type Verdict = ReturnType<typeof verdictOf>;

/** AWS's verdict for a denial, or why there is none (a note for `notChecked`, or null when there is nothing to ask). */
async function askAws(reader: AuthorizationDetailsReader, denial: Denial, nowMs: number, maxPolicyReads: number): Promise<{ diagnosis: Verdict | null; note: string | null }> {
  const id = denial.authorizationId;
  if (!id) return { diagnosis: null, note: null };
  const partition = partitionOf({ arns: [denial.principalArn, denial.resource], region: denial.region });
  if (!partition.accessTroubleshooter) return { diagnosis: null, note: `Access Troubleshooter: not offered in ${partition.name} (not asked)` };
  const eventMs = denial.eventTime ? Date.parse(denial.eventTime) : Number.NaN;
  if (Number.isFinite(eventMs) && nowMs - eventMs > AUTHORIZATION_DETAILS_RETENTION_MS) {
    return { diagnosis: null, note: `Access Troubleshooter: authorization id ${id} is older than the 24 hours AWS keeps its record (not asked)` };
  }
  // Only a denial of the last minutes may still be waiting for AWS to write its record; an older one is not asked again.
  const fresh = !Number.isFinite(eventMs) || nowMs - eventMs < RECORD_WRITE_WINDOW_MS;
  const details = await reader.details(id, { retryWhileNotFound: fresh });
  if (details.status !== 'found') return { diagnosis: null, note: noteOf(details, id) };
  const documents = new Map<string, PolicyDocument>();
  const unread: string[] = [];
  for (const uri of policyUrisToRead(details.value, maxPolicyReads)) {
    const document = await reader.policy(id, uri);
    if (document.status === 'found') documents.set(uri, document.value);
    else if (document.status !== 'none') unread.push(`${uri} (${document.reason})`);
  }
  const note = unread.length > 0 ? `Access Troubleshooter: policy as it was at denial time not readable: ${unread.join('; ')}` : null;
  return { diagnosis: verdictOf(id, details.value, documents), note };
}

function noteOf(result: Exclude<Lookup<unknown>, { status: 'found' }>, id: string): string {
  if (result.status === 'none') return `Access Troubleshooter: AWS has no record for authorization id ${id} (expired or not visible from this account)`;
  if (result.status === 'not-permitted') return `Access Troubleshooter: ${result.what} not permitted from here (${result.reason})`;
  return `Access Troubleshooter: ${result.what} failed (${result.reason})`;
}

/** A diagnosis that says nothing could be decided (no policy sources, no answer from AWS). */
function undetermined(denial: Denial): Diagnosis {
  return {
    decision: 'undetermined',
    layer: denial.denyLayer,
    denyingStatement: null,
    changes: [],
    managedPolicies: [],
    dependsOn: [],
    notChecked: ['policies: no policy source configured'],
    summary: 'No policy could be read and AWS gave no record of the evaluation.',
    decidedBy: 'policy-evaluation',
  };
}

/** The Lambda's policy readers: SDK clients with the default credentials, cached for 15 minutes across invocations. */
export function defaultPolicySources(env: NodeJS.ProcessEnv = process.env, now: () => number = Date.now): PolicySources {
  return {
    iam: new IamPrincipalPolicies(new IAMClient({})),
    sts: new STSClient({}),
    organizations: new OrganizationPolicies(new OrganizationsClient({})),
    resources: {
      s3: new S3Client({}),
      kms: new KMSClient({}),
      sqs: new SQSClient({}),
      sns: new SNSClient({}),
      lambda: new LambdaClient({}),
      secretsManager: new SecretsManagerClient({}),
      ecr: new ECRClient({}),
    },
    cache: createTtlCache(now, 15 * 60_000),
    // With the organization rollout: a member account's policies are read through its reader role.
    forAccount: memberAccountSourcesFromEnvironment(env),
  };
}
