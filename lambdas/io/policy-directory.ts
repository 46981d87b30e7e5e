/**
 * Policy documents on disk, for `explain --policies DIR` and `replay --policies DIR`: the same evaluation as in AWS,
 * offline, so a fix can be checked before it is applied. Layout (every part optional; a missing folder is reported as
 * "not provided"):
 *
 * ```
 * DIR/identity/<principal-name>/*.json   identity policies of the role or user (last part of its ARN)
 * DIR/boundary/<principal-name>.json     its permissions boundary
 * DIR/tags/<principal-name>.json         all its tags, {"team": "data"} (fills aws:PrincipalTag/…; others are absent)
 * DIR/session/*.json                     session policies
 * DIR/scp/<level>/*.json                 SCPs, one folder per level (root, OUs, account): every level must allow
 * DIR/rcp/<level>/*.json                 RCPs, the same way
 * DIR/resource/<name>.json               resource policies; <name> is the bucket, key id, queue, topic, function,
 *                                        secret or repository name, or the URL-encoded ARN
 * DIR/trust/<role-name>.json             role trust policies (sts:AssumeRole denials)
 * DIR/vpce/<vpce-id>.json                VPC endpoint policies
 * ```
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { diagnose, type Diagnosis } from '../core/iam-policy/diagnose.js';
import type { NamedPolicy, PolicyDocument, PolicyLayer, PolicySet } from '../core/iam-policy/types.js';
import type { Denial } from '../core/types.js';

/** Raised when a policy file cannot be used; the message names the file. */
export class PolicyDirectoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyDirectoryError';
  }
}

/** A loaded directory. */
export interface PolicyDirectory {
  policySetFor(denial: Denial): PolicySet;
  principalTagsFor(denial: Denial): Record<string, string>;
}

/** Loads every policy below `dir` (small files, read once). */
export function loadPolicyDirectory(dir: string): PolicyDirectory {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new PolicyDirectoryError(`policy directory ${dir} does not exist`);
  const sub = (name: string) => join(dir, name);
  const has = (name: string) => existsSync(sub(name));
  const identity = new Map<string, NamedPolicy[]>();
  if (has('identity')) {
    for (const principal of listDirs(sub('identity'))) identity.set(principal, listJson(join(sub('identity'), principal)).map((file) => readPolicy(file, 'identity-policy')));
  }
  const byName = (folder: string, layer: PolicyLayer) => new Map(has(folder) ? listJson(sub(folder)).map((file) => [basename(file, '.json'), readPolicy(file, layer)] as const) : []);
  const boundaries = byName('boundary', 'permissions-boundary');
  const resources = byName('resource', 'resource-policy');
  const trusts = byName('trust', 'role-trust-policy');
  const endpoints = byName('vpce', 'vpc-endpoint-policy');
  const tags = new Map(has('tags') ? listJson(sub('tags')).map((file) => [basename(file, '.json'), readJson(file) as Record<string, string>] as const) : []);
  const levels = (folder: string, layer: PolicyLayer) => (has(folder) ? listDirs(sub(folder)).map((level) => listJson(join(sub(folder), level)).map((file) => readPolicy(file, layer))) : undefined);
  const scps = levels('scp', 'scp');
  const rcps = levels('rcp', 'rcp');
  const sessions = has('session') ? listJson(sub('session')).map((file) => readPolicy(file, 'session-policy')) : undefined;

  return {
    policySetFor(denial) {
      const principal = principalName(denial.principalArn);
      const assumeRole = /^sts:AssumeRole/i.test(denial.action ?? '');
      const resourceName = resourceNames(denial.resource).find((name) => resources.has(name));
      const trustName = assumeRole ? resourceNames(denial.resource).find((name) => trusts.has(name)) : undefined;
      return {
        identity: has('identity') ? (principal ? identity.get(principal) ?? [] : []) : undefined,
        permissionsBoundary: has('boundary') ? (principal ? boundaries.get(principal) ?? null : null) : undefined,
        sessionPolicies: denial.principalType === 'AssumedRole' ? sessions : undefined,
        scps,
        rcps,
        resourcePolicy: has('resource') ? (resourceName ? resources.get(resourceName)! : null) : undefined,
        trustPolicy: assumeRole && has('trust') ? (trustName ? trusts.get(trustName)! : null) : undefined,
        vpcEndpointPolicy: denial.vpcEndpointId ? endpoints.get(denial.vpcEndpointId) ?? null : null,
        // A tags file lists all the principal's tags: a tag it lacks is then known to be absent.
        ...(principal && tags.has(principal) ? { principalTags: tags.get(principal)! } : {}),
      };
    },
    principalTagsFor(denial) {
      const principal = principalName(denial.principalArn);
      return (principal && tags.get(principal)) || {};
    },
  };
}

/** The names a resource's policy file may have. */
export function resourceNames(arn: string | null): string[] {
  if (!arn || !arn.startsWith('arn:')) return [];
  const names = [encodeURIComponent(arn)];
  const s3 = /^arn:[^:]+:s3:::([^/]+)/.exec(arn);
  if (s3) names.push(s3[1]!);
  const last = arn.split(/[:/]/).filter(Boolean).at(-1);
  if (last) names.push(last);
  const secret = /:secret:(.+)-[A-Za-z0-9]{6}$/.exec(arn);
  if (secret) names.push(secret[1]!);
  return names;
}

function principalName(arn: string | null): string | null {
  return arn ? arn.slice(arn.lastIndexOf('/') + 1) || null : null;
}

function listDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

function listJson(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(dir, entry.name))
    .sort();
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PolicyDirectoryError(`${file}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

function readPolicy(file: string, layer: PolicyLayer): NamedPolicy {
  const document = readJson(file) as PolicyDocument & { PolicyArn?: string };
  if (typeof document !== 'object' || document === null || (!Array.isArray(document.Statement) && typeof document.Statement !== 'object')) {
    throw new PolicyDirectoryError(`${file}: not an IAM policy document (no "Statement")`);
  }
  for (const [index, statement] of [document.Statement].flat().entries()) {
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new PolicyDirectoryError(`${file}: Statement[${index}] has no Effect Allow or Deny`);
  }
  return { name: basename(file), arn: typeof document.PolicyArn === 'string' ? document.PolicyArn : undefined, layer, document };
}

/**
 * Diagnoses one denial against a policy directory (a path, loaded on each call, or a directory loaded once with
 * {@link loadPolicyDirectory} for many denials).
 *
 * @throws PolicyDirectoryError when the directory or one of its files cannot be used.
 */
export function diagnoseWithDirectory(denial: Denial, dir: string | PolicyDirectory): Diagnosis {
  const directory = typeof dir === 'string' ? loadPolicyDirectory(dir) : dir;
  return diagnose(denial, directory.policySetFor(denial), directory.principalTagsFor(denial));
}
