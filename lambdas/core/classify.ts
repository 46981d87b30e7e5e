/**
 * Turns one CloudTrail record into a {@link Denial}: whether authorization was refused, and if so who, what, which
 * resource and which policy layer.
 */
import { resolveAction, servicePrefixOf } from './action-mapping.js';
import { parseDenyMessage } from './deny-message.js';
import { isDenialErrorCode } from './error-codes.js';
import { fingerprintOf } from './fingerprint.js';
import { accountOfPrincipalArn, principalOfArn, resolvePrincipal } from './principal.js';
import { iamResourceArn, partitionOf, partitionOfArn, resourceFromRequest } from './resource-arn.js';
import { resourceFamily } from './resource-family.js';
import { refusalAction, serviceRefusalOf } from './service-rules/service-refusal.js';
import { consoleSessionOf } from './spike/suppression.js';
import type { CloudTrailRecord, Denial } from './types.js';
import { textOf as text } from './text.js';

/** Options of the classifier. */
export interface ClassifyOptions {
  /** Extra `errorCode` values to treat as denials (see `OPTIONAL_DENIAL_ERROR_CODES`). */
  extraErrorCodes?: ReadonlySet<string>;
}


/**
 * Classifies a record. Pure and total: any object gives a result, with null for what the record does not tell.
 *
 * @example classify(record).denied // true for an AccessDenied record
 */
export function classify(record: CloudTrailRecord, options: ClassifyOptions = {}): Denial {
  const principal = resolvePrincipal(record);
  const errorCode = text(record.errorCode);
  const errorMessage = text(record.errorMessage);
  const denied = isDenialErrorCode(errorCode, options.extraErrorCodes, { eventSource: text(record.eventSource), errorMessage });
  const recipientAccountId = text(record.recipientAccountId);
  // One literal with every field, the promised ones first (no spread): V8 keeps one fast shape for all results,
  // ~20x faster than spreading, and `explain` prints the fields in this order.
  const base: Denial = {
    eventId: text(record.eventID),
    denied,
    principalArn: principal.principalArn,
    principalType: principal.principalType,
    accountId: principal.accountId,
    action: null,
    resource: null,
    denyLayer: null,
    denyKind: null,
    policyArn: null,
    fingerprint: null,
    resourceFamily: null,
    encodedAuthorizationMessage: null,
    authorizationId: null,
    authorizationDetailsUrl: null,
    callerArn: principal.callerArn,
    sessionName: principal.sessionName,
    sourceIdentity: principal.sourceIdentity,
    identityCenterUserId: principal.identityCenterUserId,
    mfaAuthenticated: principal.mfaAuthenticated,
    invokedBy: principal.invokedBy,
    eventTime: text(record.eventTime),
    eventSource: text(record.eventSource),
    eventName: text(record.eventName),
    region: text(record.awsRegion),
    errorCode,
    errorMessage,
    requestId: text(record.requestID),
    sourceIp: text(record.sourceIPAddress),
    userAgent: text(record.userAgent),
    vpcEndpointId: text(record.vpcEndpointId),
    recipientAccountId,
    crossAccount: Boolean(principal.accountId && recipientAccountId && principal.accountId !== recipientAccountId),
    correlatedEventId: null,
    consoleSession: consoleSessionOf(record),
    readOnly: typeof record.readOnly === 'boolean' ? record.readOnly : null,
    serviceRefusal: null,
  };
  if (!denied) {
    base.action = resolveAction(null, base.eventSource, base.eventName);
    return base;
  }
  const message = parseDenyMessage(errorMessage);
  // A refusal no policy lifts names its own action (`iam:PassRole` for a role passed across accounts) and resource.
  const refusal = serviceRefusalOf(record, { errorMessage, eventSource: base.eventSource, eventName: base.eventName, accountId: principal.accountId ?? accountOfPrincipalArn(message.principalArn) });
  base.serviceRefusal = refusal;
  const action = refusalAction(refusal) ?? resolveAction(message.action, base.eventSource, base.eventName);
  // A record without userIdentity still names its caller in the message: a session counts as its role.
  const messagePrincipal = principal.principalType === 'AWSAccount' ? null : principalOfArn(message.principalArn);
  const principalArn = principal.principalArn ?? messagePrincipal;
  const accountId = principal.accountId ?? accountOfPrincipalArn(message.principalArn);
  const service = action ? action.slice(0, action.indexOf(':')) : servicePrefixOf(base.eventSource);
  const partition = partitionOfArn(principal.callerArn ?? message.principalArn) ?? partitionOf(base.region);
  const arnContext = { partition, region: base.region ?? '', account: recipientAccountId ?? accountId ?? '' };
  const resource =
    refusal?.passedRoleArn ??
    message.resource ??
    (message.wordedResource ? iamResourceArn(message.wordedResource, arnContext) : null) ??
    (service ? resourceFromRequest(record, service, arnContext) : null);
  const family = resourceFamily(resource);
  const vpceCode = errorCode === 'VpceAccessDenied';
  base.principalArn = principalArn;
  base.accountId = accountId;
  base.crossAccount = Boolean(accountId && recipientAccountId && accountId !== recipientAccountId);
  base.action = action;
  base.resource = resource;
  base.resourceFamily = family;
  base.denyLayer = message.layer ?? (vpceCode ? 'vpc-endpoint-policy' : 'unknown');
  base.denyKind = message.kind ?? 'unknown';
  base.policyArn = message.policyArn;
  base.encodedAuthorizationMessage = message.encodedAuthorizationMessage;
  base.authorizationId = message.authorizationId;
  base.authorizationDetailsUrl = message.authorizationDetailsUrl;
  // An event no IAM action names (null action) is still told apart by its source and name.
  const actionKey = action ?? (base.eventName ? `event:${base.eventSource ?? '-'}:${base.eventName}` : null);
  base.fingerprint = fingerprintOf(accountId, principalArn, actionKey, family);
  return base;
}
