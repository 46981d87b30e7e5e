/**
 * The policy-lookup path of the handler, behind a lazy boundary: `handler.ts` loads this module with a dynamic
 * `import()` on the first alerting denial, and only when policy lookups are on, so its nine SDK clients and the
 * policy evaluator cost nothing at cold start otherwise.
 *
 * (A stand-in until `adapters/policy-sources/policy-diagnoser.ts` exports `createPolicyDiagnoser`; then the handler
 * imports that module instead and this file goes.)
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
import { gatherPolicies, type PolicySources } from './adapters/policy-sources/gather-policies.js';
import { IamPrincipalPolicies } from './adapters/policy-sources/iam-principal-policies.js';
import { memberAccountSourcesFromEnvironment } from './adapters/policy-sources/member-account-sources.js';
import { OrganizationPolicies } from './adapters/policy-sources/organization-policies.js';
import { createTtlCache } from './adapters/policy-sources/ttl-cache.js';
import { diagnose, type Diagnosis } from './core/iam-policy/diagnose.js';
import type { Denial } from './core/types.js';

/**
 * Explains alerting denials with the policies read from IAM, the resource's service and Organizations (cached for
 * 15 minutes across invocations). Lookups the role may not make are reported in the alert as not checked.
 */
export function createPolicyDiagnoser(): (denial: Denial) => Promise<Diagnosis> {
  const sources: PolicySources = {
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
    cache: createTtlCache(Date.now, 15 * 60_000),
    // With the organization rollout: a member account's policies are read through its reader role.
    forAccount: memberAccountSourcesFromEnvironment(process.env),
  };
  return async (denial) => {
    const { policies, notChecked, decoded } = await gatherPolicies(denial, sources);
    const diagnosis = diagnose(denial, policies);
    return { ...diagnosis, notChecked: [...notChecked, ...diagnosis.notChecked], ...(decoded ? { decodedAuthorization: decoded } : {}) };
  };
}
