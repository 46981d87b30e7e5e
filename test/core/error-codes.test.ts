/**
 * Error codes judged with the service that answered and its message (the EventBridge rule is checked against the same
 * function in test/stack/event-pattern.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { isDenialErrorCode } from '../../lambdas/core/error-codes.js';

const IAM_MESSAGE = 'User: arn:aws:iam::111122223333:user/app is not authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:111122223333:t';

describe('isDenialErrorCode', () => {
  it.each([
    ['AccessDenied', 's3.amazonaws.com', 'Access Denied', true],
    ['Client.UnauthorizedOperation', 'ec2.amazonaws.com', undefined, true],
    ['AccessDeniedByPolicy', 'x.amazonaws.com', undefined, true],
    ['Client.VpceAccessDenied', 'x.amazonaws.com', undefined, true],
    // SNS answers an authorization refusal with AuthorizationError: a denial from SNS, message or not
    ['AuthorizationError', 'sns.amazonaws.com', IAM_MESSAGE, true],
    ['AuthorizationError', 'sns.amazonaws.com', undefined, true],
    // elsewhere an optional code is a denial only with IAM's template
    ['AuthorizationError', 'iam.amazonaws.com', undefined, false],
    ['UnauthorizedException', 'appsync.amazonaws.com', IAM_MESSAGE, true],
    ['UnauthorizedException', 'appsync.amazonaws.com', 'Unauthorized', false],
    ['ForbiddenException', 'apigateway.amazonaws.com', IAM_MESSAGE, true],
    // Cognito's NotAuthorizedException is a failed sign-in, whatever the message says
    ['NotAuthorizedException', 'cognito-idp.amazonaws.com', 'Incorrect username or password.', false],
    ['NotAuthorizedException', 'cognito-identity.amazonaws.com', IAM_MESSAGE, false],
    // without a service, only the unconditional rules
    ['UnauthorizedException', null, IAM_MESSAGE, false],
    // look-alikes are never denials
    ['InvalidClientTokenId', 'sts.amazonaws.com', IAM_MESSAGE, false],
    ['ExpiredToken', 'sts.amazonaws.com', undefined, false],
    ['Client.DryRunOperation', 'ec2.amazonaws.com', undefined, false],
    ['constructor', 'sns.amazonaws.com', IAM_MESSAGE, false],
    // own-property lookups: an event source named after an Object.prototype member is just unknown
    ['AuthorizationError', 'constructor', 'no template', false],
    ['AuthorizationError', 'toString', undefined, false],
  ])('%s from %s: %s', (code, eventSource, errorMessage, expected) => {
    expect(isDenialErrorCode(code, undefined, { eventSource, errorMessage })).toBe(expected);
  });

  it('takes the extra codes of the settings, from any service', () => {
    expect(isDenialErrorCode('NotAuthorizedException', new Set(['NotAuthorizedException']), { eventSource: 'cognito-idp.amazonaws.com' })).toBe(true);
  });
});

/** One case per code of `SERVICE_DENIAL_ERROR_CODES`: event source, code, the message its API reference gives. */
const PER_SERVICE_CASES: Array<[string, string, string | undefined]> = [
  // Resource Explorer API Reference, UnauthorizedException; message with no IAM template
  ['resource-explorer-2.amazonaws.com', 'UnauthorizedException', "The principal making the request isn't permitted to perform the operation."],
  // API Gateway API Reference, UnauthorizedException
  ['apigateway.amazonaws.com', 'UnauthorizedException', 'The request is denied because the caller has insufficient permissions.'],
  // Resource Groups API Reference, ForbiddenException
  ['resource-groups.amazonaws.com', 'ForbiddenException', "The caller isn't authorized to make the request. Check permissions."],
  // SNS API Reference, Publish, Errors: AuthorizationError (HTTP 403), IAM's template or none
  ['sns.amazonaws.com', 'AuthorizationError', undefined],
];

describe('per-service authorization codes from each API reference, in the classifier, the rule and the Athena predicate', async () => {
  const { SERVICE_DENIAL_ERROR_CODES } = await import('../../lambdas/core/error-codes.js');
  const { denialEventPattern, EVENT_PATTERN_MAX_CHARACTERS } = await import('../../lib/event-pattern.js');
  const { denialCandidateRules, errorCodePredicateSql, matchesErrorCodeRules } = await import('../../lambdas/core/athena/denial-predicate.js');
  const rules = denialCandidateRules();
  const pattern = denialEventPattern() as { detail: { $or: Array<Record<string, unknown>> } };

  it.each(PER_SERVICE_CASES)('%s %s is a denial whatever the message, everywhere', (eventSource, code, errorMessage) => {
    expect(SERVICE_DENIAL_ERROR_CODES[eventSource]).toContain(code);
    expect(isDenialErrorCode(code, undefined, { eventSource, errorMessage })).toBe(true);
    expect(matchesErrorCodeRules(rules, { errorCode: code, eventSource, errorMessage })).toBe(true);
    expect(pattern.detail.$or).toContainEqual({ eventSource: [eventSource], errorCode: expect.arrayContaining([code]) });
    expect(errorCodePredicateSql(rules)).toMatch(new RegExp(`\\(eventsource = '${eventSource.replaceAll('.', '\\.')}' AND errorcode IN \\([^)]*'${code}'`));
    // the same code from another service stays a non-denial without IAM's template
    expect(isDenialErrorCode(code, undefined, { eventSource: 'appsync.amazonaws.com', errorMessage: errorMessage ?? 'Unauthorized' })).toBe(false);
  });

  it('every code of the table has its case above (a code added without a test fails here)', () => {
    const table = Object.entries(SERVICE_DENIAL_ERROR_CODES).flatMap(([eventSource, codes]) => codes.map((code) => `${eventSource} ${code}`));
    expect(table.sort()).toEqual(PER_SERVICE_CASES.map(([eventSource, code]) => `${eventSource} ${code}`).sort());
  });

  it('the rule pattern fits the default EventBridge quota of 2,048 characters as compact JSON, every optional code included', async () => {
    const { OPTIONAL_DENIAL_ERROR_CODES } = await import('../../lambdas/core/error-codes.js');
    expect(EVENT_PATTERN_MAX_CHARACTERS).toBe(2048);
    expect(JSON.stringify(denialEventPattern()).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARACTERS);
    expect(JSON.stringify(denialEventPattern([...OPTIONAL_DENIAL_ERROR_CODES])).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARACTERS);
  });
});
