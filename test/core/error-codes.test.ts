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
