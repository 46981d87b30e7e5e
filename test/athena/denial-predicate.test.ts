import nodeSqlParser from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { denialCandidateRules, errorCodePredicateSql, matchesErrorCodeRules, type ErrorCodeFields } from '../../lambdas/core/athena/denial-predicate.js';
import { DENIAL_ERROR_CODES, isDenialErrorCode, OPTIONAL_DENIAL_ERROR_CODES, SERVICE_DENIAL_ERROR_CODES } from '../../lambdas/core/error-codes.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { corpusFoldersWith, readJsonl } from '../support/corpus.js';

const corpus = [
  ...corpusFoldersWith('denied.jsonl').flatMap((folder) => readJsonl<CloudTrailRecord>(`${folder}/denied.jsonl`)),
  ...corpusFoldersWith('negatives.jsonl').flatMap((folder) => readJsonl<CloudTrailRecord>(`${folder}/negatives.jsonl`)),
];

/** Every code the tables name and look-alikes, from every kind of service, with and without IAM's message. */
function candidates(): ErrorCodeFields[] {
  const codes = [
    ...DENIAL_ERROR_CODES,
    ...OPTIONAL_DENIAL_ERROR_CODES,
    ...Object.values(SERVICE_DENIAL_ERROR_CODES).flat(),
    'AccessDeniedXyz', 'Server.UnauthorizedOperation', 'KMS.AccessDenied', 'InvalidClientTokenId', 'ExpiredToken', 'AuthFailure',
    'Client.DryRunOperation', 'ThrottlingException', 'NoSuchKey', 'SignatureDoesNotMatch', 'Forbidden',
  ];
  const sources = ['sns.amazonaws.com', 'cognito-idp.amazonaws.com', 'cognito-identity.amazonaws.com', 'execute-api.amazonaws.com', 's3.amazonaws.com', null];
  const messages = ['User: arn:aws:iam::111122223333:user/u is not authorized to perform: sns:Publish on resource: x', 'Incorrect username or password.', null];
  const made = codes.flatMap((errorCode) => sources.flatMap((eventSource) => messages.map((errorMessage) => ({ errorCode, eventSource, errorMessage }))));
  return [...made, ...corpus.map((record) => ({ errorCode: record.errorCode, eventSource: record.eventSource, errorMessage: record.errorMessage }))];
}

const parser = new nodeSqlParser.Parser();

describe('the denial filter of the extraction query', () => {
  it('keeps exactly what the classifier counts as a denial, judged per service and message', () => {
    const rules = denialCandidateRules();
    let denials = 0;
    for (const fields of candidates()) {
      const expected = isDenialErrorCode(fields.errorCode, undefined, { eventSource: fields.eventSource, errorMessage: fields.errorMessage });
      expect(matchesErrorCodeRules(rules, fields), JSON.stringify(fields)).toBe(expected);
      if (expected) denials++;
    }
    expect(denials).toBeGreaterThan(100);
  });

  it('keeps the caller\'s extra codes everywhere, as the replay counts them', () => {
    const extra = ['NotAuthorizedException', 'Forbidden'];
    const rules = denialCandidateRules(extra);
    for (const fields of candidates()) {
      expect(matchesErrorCodeRules(rules, fields), JSON.stringify(fields)).toBe(isDenialErrorCode(fields.errorCode, new Set(extra), { eventSource: fields.eventSource, errorMessage: fields.errorMessage }));
    }
  });

  it('leaves out Cognito\'s failed sign-ins and authentication failures', () => {
    const rules = denialCandidateRules();
    expect(matchesErrorCodeRules(rules, { errorCode: 'NotAuthorizedException', eventSource: 'cognito-idp.amazonaws.com', errorMessage: 'Incorrect username or password.' })).toBe(false);
    expect(matchesErrorCodeRules(rules, { errorCode: 'InvalidClientTokenId', eventSource: 'sts.amazonaws.com' })).toBe(false);
    expect(matchesErrorCodeRules(rules, { errorCode: 'AuthorizationError', eventSource: 'sns.amazonaws.com', errorMessage: 'x' })).toBe(true);
  });

  it('is one SQL predicate over errorcode, eventsource and errormessage, built from the same rules', () => {
    const sql = errorCodePredicateSql(denialCandidateRules());
    expect(() => parser.astify(`SELECT eventid FROM t WHERE ${sql}`, { database: 'trino' })).not.toThrow();
    expect(sql).toBe(
      "(errorcode IN ('AccessDenied', 'AccessDeniedException', 'Client.AccessDenied', 'UnauthorizedOperation', 'Client.UnauthorizedOperation', 'VpceAccessDenied', 'AccessDeniedForDependencyException')" +
        " OR errorcode LIKE 'AccessDenied%' OR errorcode LIKE '%UnauthorizedOperation' OR errorcode LIKE '%AccessDenied'" +
        " OR (eventsource = 'sns.amazonaws.com' AND errorcode IN ('AuthorizationError'))" +
        " OR (eventsource = 'resource-explorer-2.amazonaws.com' AND errorcode IN ('UnauthorizedException'))" +
        " OR (eventsource = 'apigateway.amazonaws.com' AND errorcode IN ('UnauthorizedException'))" +
        " OR (eventsource = 'resource-groups.amazonaws.com' AND errorcode IN ('ForbiddenException'))" +
        " OR (errorcode IN ('AuthorizationError', 'AuthorizationErrorException', 'UnauthorizedException', 'ForbiddenException', 'NotAuthorizedException') AND eventsource NOT IN ('cognito-idp.amazonaws.com', 'cognito-identity.amazonaws.com') AND errormessage LIKE '%is not authorized to perform%'))",
    );
  });
});
