/**
 * AWS's own record of a denied request's evaluation (IAM Access Troubleshooter, public preview), and how it overrides
 * this project's evaluation in a diagnosis.
 *
 * Shape (IAM Toolbox API reference, `GetRequestAuthorizationDetails`, response syntax): `{ requestContext, evaluations:
 * [{ action, resource, context, evaluatedEffect, matchedPolicies: [{ uri, matchedStatements: [{ sid, evaluatedEffect }]
 * }] }], policies: [{ type, inline, uri, attachedTo: [{ arn }] }], nextToken }`; policy types `IDENTITY_BASED_POLICY`,
 * `RESOURCE_BASED_POLICY`, `PERMISSIONS_BOUNDARY`, `SESSION_POLICY`, `SERVICE_CONTROL_POLICY`,
 * `RESOURCE_CONTROL_POLICY`, `VPC_ENDPOINT_POLICY` (API reference, PolicyInfo:
 * https://docs.aws.amazon.com/iam-toolbox/latest/APIReference/API_PolicyInfo.html).
 *
 * Two enums at two levels. An evaluation's `evaluatedEffect` is `ALLOW | EXPLICIT_DENY | IMPLICIT_DENY` (API reference,
 * Evaluation: https://docs.aws.amazon.com/iam-toolbox/latest/APIReference/API_Evaluation.html): it decides explicit
 * versus implicit, even when no statement is listed. A matched statement's `evaluatedEffect` is `ALLOW | DENY` (API
 * reference, MatchedStatement: https://docs.aws.amazon.com/iam-toolbox/latest/APIReference/API_MatchedStatement.html);
 * "If the statement has no Sid, one is generated", so a `sid` need not appear in the policy document. A managed
 * policy's `uri` is its ARN, an inline policy's an opaque id (MatchedPolicy). `GetRequestAuthorizationPolicy`'s
 * response member is not in the published excerpts: `policyDocument`, `document` and `policy` are read, anything else
 * is reported as unreadable by the adapter.
 */
import type { DenyLayer } from '../types.js';
import type { Diagnosis } from './diagnose.js';
import type { AwsAuthorizationVerdict, PolicyDocument, PolicyLayer, Statement } from './types.js';

export type { AwsAuthorizationVerdict } from './types.js';

/** One matched statement of one evaluation. */
export interface MatchedStatement {
  sid?: string;
  evaluatedEffect?: string;
}

/** A policy that matched during one evaluation (its `uri` is in the top-level `policies`). */
export interface MatchedPolicy {
  uri: string;
  matchedStatements?: MatchedStatement[];
}

/** How one action and resource pair was evaluated. */
export interface AuthorizationEvaluation {
  action?: string;
  resource?: string;
  context?: Record<string, unknown>;
  evaluatedEffect?: string;
  matchedPolicies?: MatchedPolicy[];
}

/** A policy evaluated for the request. */
export interface EvaluatedPolicyInfo {
  type?: string;
  inline?: boolean;
  uri?: string;
  attachedTo?: Array<{ arn?: string }>;
}

/** The answer of `GetRequestAuthorizationDetails` (all pages merged). */
export interface AuthorizationDetails {
  requestContext?: Record<string, unknown>;
  evaluations?: AuthorizationEvaluation[];
  policies?: EvaluatedPolicyInfo[];
  nextToken?: string;
}

/** The policy types of the API and the layers they are. */
export const POLICY_TYPE_LAYERS: Readonly<Record<string, PolicyLayer>> = {
  IDENTITY_BASED_POLICY: 'identity-policy',
  RESOURCE_BASED_POLICY: 'resource-policy',
  PERMISSIONS_BOUNDARY: 'permissions-boundary',
  SESSION_POLICY: 'session-policy',
  SERVICE_CONTROL_POLICY: 'scp',
  RESOURCE_CONTROL_POLICY: 'rcp',
  VPC_ENDPOINT_POLICY: 'vpc-endpoint-policy',
};

/** The documented values of an evaluation's and a statement's `evaluatedEffect` (compared without regard to case). */
const effectIs = (effect: string | undefined | null, value: 'ALLOW' | 'DENY' | 'EXPLICIT_DENY' | 'IMPLICIT_DENY') => typeof effect === 'string' && effect.toUpperCase() === value;
const statementDenies = (effect: string | undefined | null) => effectIs(effect, 'DENY') || effectIs(effect, 'EXPLICIT_DENY');
const layerOfType = (type: string | undefined): PolicyLayer | null => (type && Object.hasOwn(POLICY_TYPE_LAYERS, type) ? POLICY_TYPE_LAYERS[type]! : null);

/**
 * Reads AWS's verdict from the details: explicit when an evaluation says `EXPLICIT_DENY` or a matched statement says
 * `DENY`, implicit when an evaluation says `IMPLICIT_DENY` and none is explicit, allowed otherwise. `documents` are the
 * policies read with `GetRequestAuthorizationPolicy`, by URI, to show each matched statement as it was.
 */
export function verdictOf(authorizationId: string, details: AuthorizationDetails, documents: ReadonlyMap<string, PolicyDocument> = new Map()): AwsAuthorizationVerdict {
  const policyInfo = new Map((details.policies ?? []).filter((info) => typeof info.uri === 'string').map((info) => [info.uri!, info]));
  const matched: AwsAuthorizationVerdict['matchedStatements'] = [];
  let explicit = false;
  let implicit = false;
  for (const evaluation of details.evaluations ?? []) {
    if (effectIs(evaluation.evaluatedEffect, 'EXPLICIT_DENY')) explicit = true;
    if (effectIs(evaluation.evaluatedEffect, 'IMPLICIT_DENY')) implicit = true;
    for (const policy of evaluation.matchedPolicies ?? []) {
      if (typeof policy?.uri !== 'string') continue;
      const info = policyInfo.get(policy.uri);
      for (const statement of policy.matchedStatements ?? []) {
        matched.push({
          policyUri: policy.uri,
          policyArn: policy.uri.startsWith('arn:') ? policy.uri : null,
          layer: layerOfType(info?.type),
          sid: statement.sid ?? null,
          effect: statement.evaluatedEffect ?? null,
          statement: statementOf(documents.get(policy.uri), statement.sid),
        });
      }
    }
  }
  const denying = matched.filter((entry) => statementDenies(entry.effect));
  if (explicit || denying.length > 0) {
    return { authorizationId, decision: 'explicit-deny', layer: denying[0]?.layer ?? null, matchedStatements: [...denying, ...matched.filter((entry) => !denying.includes(entry))] };
  }
  return { authorizationId, decision: implicit ? 'implicit-deny' : 'allowed', layer: null, matchedStatements: matched };
}

/** The statement with this Sid in a policy document (the only one when the document has one and no Sid is given). */
function statementOf(document: PolicyDocument | undefined, sid: string | undefined): Statement | null {
  if (!document) return null;
  const statements = [document.Statement].flat();
  if (sid) return statements.find((statement) => statement.Sid === sid) ?? null;
  return statements.length === 1 ? statements[0]! : null;
}

/** The URIs whose documents are worth reading: the policies of the matched deny statements (or all matched, if none). */
export function policyUrisToRead(details: AuthorizationDetails, limit = 5): string[] {
  const deny: string[] = [];
  const other: string[] = [];
  for (const evaluation of details.evaluations ?? []) {
    for (const policy of evaluation.matchedPolicies ?? []) if (typeof policy?.uri === 'string') (policy.matchedStatements?.some((s) => statementDenies(s.evaluatedEffect)) ? deny : other).push(policy.uri);
  }
  return [...new Set([...deny, ...other])].slice(0, limit);
}

/**
 * A diagnosis in which AWS's record decides: its decision, layer and matched statement replace the project's own
 * (kept in `ownEvaluation`), and `decidedBy` says so. An explicit deny from AWS drops the own evaluation's "add this
 * Allow" changes (no Allow overrides a Deny); an implicit deny keeps them, AWS's record naming no missing allow.
 *
 * @param own - the project's own diagnosis, or null when no policy could be read (then AWS's record stands alone).
 * @param fallbackLayer - the layer the message named, for an implicit deny AWS does not attribute.
 */
export function decidedByAws(own: Diagnosis | null, verdict: AwsAuthorizationVerdict, fallbackLayer: DenyLayer | null): Diagnosis {
  const deny = verdict.decision === 'explicit-deny' ? verdict.matchedStatements[0] : undefined;
  const layer: DenyLayer | null =
    verdict.layer ??
    (verdict.decision === 'implicit-deny' ? (own?.decision === 'implicit-deny' ? own.layer : fallbackLayer) : verdict.decision === 'explicit-deny' ? (own?.decision === 'explicit-deny' ? own.layer : fallbackLayer) : null);
  const where = deny ? `statement ${deny.sid ?? '(no Sid)'} of ${deny.policyArn ?? deny.policyUri}${deny.layer ? ` (${deny.layer})` : ''}` : null;
  const summary =
    verdict.decision === 'explicit-deny'
      ? `AWS's record of the evaluation (authorization id ${verdict.authorizationId}): denied explicitly by ${where ?? `a policy AWS did not list${layer && layer !== 'unknown' ? ` (${layer})` : ''}`}; no Allow can override it.`
      : verdict.decision === 'implicit-deny'
        ? `AWS's record of the evaluation (authorization id ${verdict.authorizationId}): no policy allowed the request${layer && layer !== 'unknown' ? ` (${layer})` : ''}.`
        : `AWS's record of the evaluation (authorization id ${verdict.authorizationId}) shows no denying evaluation: the denial came from outside IAM policies.`;
  const base: Diagnosis = own ?? { decision: 'undetermined', layer: null, denyingStatement: null, changes: [], managedPolicies: [], dependsOn: [], notChecked: [], summary: '' };
  const { ownEvaluation: _previous, denyChange, ...rest } = base;
  // The own deny change still fits only when it is about the statement AWS matched.
  const keepDenyChange = verdict.decision === 'explicit-deny' && denyChange !== undefined && base.denyingStatement?.sid === deny?.sid;
  return {
    ...rest,
    decision: verdict.decision,
    layer,
    denyingStatement: deny ? { policy: deny.policyArn ?? deny.policyUri, policyArn: deny.policyArn, sid: deny.sid, statement: deny.statement ?? { Effect: 'Deny' } } : null,
    changes: verdict.decision === 'implicit-deny' ? base.changes : [],
    ...(keepDenyChange ? { denyChange } : {}),
    summary,
    decidedBy: 'access-troubleshooter',
    awsAuthorization: verdict,
    ...(own ? { ownEvaluation: { decision: own.decision, layer: own.layer, summary: own.summary } } : {}),
  };
}
