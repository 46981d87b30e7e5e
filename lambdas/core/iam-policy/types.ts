/**
 * Policy documents and the request they are evaluated against.
 */
import type { DenyLayer } from '../types.js';

export type StringOrList = string | string[];

/** One IAM policy statement. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Principal?: '*' | Record<string, StringOrList>;
  NotPrincipal?: '*' | Record<string, StringOrList>;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: Statement | Statement[];
}

/** The layers a policy can sit in (the deny layers but `unknown`). */
export type PolicyLayer = Exclude<DenyLayer, 'unknown'>;

/** A policy with where it came from. */
export interface NamedPolicy {
  /** A name a human recognises: the policy name, file name or ARN. */
  name: string;
  arn?: string;
  layer: PolicyLayer;
  document: PolicyDocument;
}

/** What the evaluator knows of a request. */
export interface RequestContext {
  /** The IAM principal (a role for a session), or null. */
  principalArn: string | null;
  /** The session ARN (`arn:aws:sts::…:assumed-role/role/session`) for a role session. */
  sessionArn: string | null;
  /** The principal as a service (`s3.amazonaws.com`), when a service made the call. */
  servicePrincipal: string | null;
  principalAccount: string | null;
  action: string;
  /** The resource ARN, or null when the record does not tell. */
  resource: string | null;
  resourceAccount: string | null;
  /** Condition keys whose value is known (lower-case names). */
  keys: Record<string, string | string[]>;
  /** Condition keys known to be absent from the request (lower-case names). */
  absent: string[];
}

/** Visibility of a layer from where the lookups ran. */
export type NotVisible = 'not-visible';

/** The policies that decide a request; a layer left undefined was not looked at. */
export interface PolicySet {
  identity?: NamedPolicy[];
  permissionsBoundary?: NamedPolicy | null;
  sessionPolicies?: NamedPolicy[];
  /** One list per level of the organization (root, OUs, account): every level must allow. */
  scps?: NamedPolicy[][] | NotVisible;
  rcps?: NamedPolicy[][] | NotVisible;
  resourcePolicy?: NamedPolicy | null | NotVisible;
  trustPolicy?: NamedPolicy | null | NotVisible;
  vpcEndpointPolicy?: NamedPolicy | null;
  /** The principal's tags, when the lookups read them (fill `aws:PrincipalTag/<key>`). */
  principalTags?: Record<string, string>;
}

/**
 * AWS's own verdict on a denied request, from its authorization id (IAM Access Troubleshooter, preview): see
 * `authorization-details.ts`.
 */
export interface AwsAuthorizationVerdict {
  authorizationId: string;
  /** `explicit-deny`, `implicit-deny`, or `allowed` (AWS's record says every evaluation allowed). */
  decision: 'explicit-deny' | 'implicit-deny' | 'allowed';
  layer: PolicyLayer | null;
  /** The statements AWS matched (denying ones first): policy, its layer and, when read, the statement at denial time. */
  matchedStatements: Array<{ policyUri: string; policyArn: string | null; layer: PolicyLayer | null; sid: string | null; effect: string | null; statement: Statement | null }>;
}
