import { describe, expect, it } from 'vitest';
import { DENIAL_ERROR_CODES, isDenialErrorCode, OPTIONAL_DENIAL_ERROR_CODES } from '../../lambdas/core/error-codes.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { denialEventPattern } from '../../lib/event-pattern.js';
import { corpusFoldersWith, readJsonl } from '../support/corpus.js';
import { matchesPattern } from './support/pattern-matcher.js';

/** A CloudTrail record as EventBridge delivers it. */
const asEvent = (record: Partial<CloudTrailRecord> & Record<string, unknown>) => ({
  version: '0',
  'detail-type': record.errorCode === 'VpceAccessDenied' ? 'AWS Network Activity Event via CloudTrail' : 'AWS API Call via CloudTrail',
  source: `aws.${String(record.eventSource).split('.')[0]}`,
  detail: record,
});
const withCode = (errorCode: string) => asEvent({ eventSource: 'iam.amazonaws.com', eventName: 'GetRole', errorCode });

describe('the test pattern matcher', () => {
  it.each([
    ['exact value', { a: ['x'] }, { a: 'x' }, true],
    ['exact value, other', { a: ['x'] }, { a: 'y' }, false],
    ['exact value, field missing', { a: ['x'] }, {}, false],
    ['exact number is not its string', { a: [5] }, { a: '5' }, false],
    ['null', { a: [null] }, { a: null }, true],
    ['prefix', { a: [{ prefix: 'Acc' }] }, { a: 'AccessDenied' }, true],
    ['prefix, other', { a: [{ prefix: 'Acc' }] }, { a: 'NoAccess' }, false],
    ['suffix', { a: [{ suffix: 'Op' }] }, { a: 'Client.Op' }, true],
    ['suffix, other', { a: [{ suffix: 'Op' }] }, { a: 'Opx' }, false],
    ['equals-ignore-case', { a: [{ 'equals-ignore-case': 'x' }] }, { a: 'X' }, true],
    ['equals-ignore-case, other', { a: [{ 'equals-ignore-case': 'x' }] }, { a: 'Y' }, false],
    ['anything-but values', { a: [{ 'anything-but': ['x'] }] }, { a: 'y' }, true],
    ['anything-but values, excluded', { a: [{ 'anything-but': ['x'] }] }, { a: 'x' }, false],
    ['anything-but prefix, excluded', { a: [{ 'anything-but': { prefix: 'Get' } }] }, { a: 'GetRole' }, false],
    ['anything-but prefix', { a: [{ 'anything-but': { prefix: 'Get' } }] }, { a: 'PutRole' }, true],
    ['exists false', { a: [{ exists: false }] }, {}, true],
    ['exists true, missing', { a: [{ exists: true }] }, {}, false],
    ['exists true', { a: [{ exists: true }] }, { a: 'anything' }, true],
    ['wildcard', { a: [{ wildcard: 'a*c' }] }, { a: 'abbc' }, true],
    ['wildcard, other', { a: [{ wildcard: 'a*c' }] }, { a: 'abcd' }, false],
    ['wildcard, regex characters are literal', { a: [{ wildcard: 'a.c' }] }, { a: 'abc' }, false],
    ['nested object', { a: { b: ['x'] } }, { a: { b: 'x' } }, true],
    ['nested object against a string', { a: { b: ['x'] } }, { a: 'x' }, false],
    ['array value: any element', { a: ['x'] }, { a: ['y', 'x'] }, true],
    ['array of records: any record', { r: { type: ['AWS::S3::Object'] } }, { r: [{ type: 'AWS::S3::Bucket' }, { type: 'AWS::S3::Object' }] }, true],
    ['array of records: fields combine across records, as EventBridge flattens', { r: { type: ['A'], arn: ['y'] } }, { r: [{ type: 'A', arn: 'x' }, { type: 'B', arn: 'y' }] }, true],
    ['array of records: none', { r: { type: ['AWS::S3::Object'] } }, { r: [{ type: 'AWS::S3::Bucket' }] }, false],
    ['$or', { $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: '2' }, true],
    ['$or, none', { $or: [{ a: ['1'] }, { b: ['2'] }] }, { c: '3' }, false],
    ['$or nested with other fields', { c: ['3'], d: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, { c: '3', d: { a: '1' } }, true],
    ['several fields: all must match', { a: ['1'], b: ['2'] }, { a: '1', b: '3' }, false],
  ])('%s', (_label, pattern, event, expected) => {
    expect(matchesPattern(pattern as Record<string, unknown>, event)).toBe(expected);
  });

  it('refuses operators it does not know, so a pattern cannot pass by being misunderstood', () => {
    expect(() => matchesPattern({ a: [{ numeric: ['>', 1] }] }, { a: 'x' })).toThrow(/unsupported/);
    expect(() => matchesPattern({ a: 'x' }, { a: 'x' })).toThrow(/must be an array/);
  });
});

describe('the denial rule pattern', () => {
  const pattern = denialEventPattern();

  it('fits EventBridge\'s default 2,048-character event pattern size with every optional code (compact JSON)', () => {
    expect(JSON.stringify(denialEventPattern([...OPTIONAL_DENIAL_ERROR_CODES])).length).toBeLessThanOrEqual(2048);
  });

  it('lists the authorization-denied codes, the prefix and suffix operators, and both detail-types', () => {
    expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail', 'AWS Network Activity Event via CloudTrail']);
    const codes = (pattern.detail as { $or: Array<{ errorCode: unknown[] }> }).$or[0]!.errorCode;
    for (const code of ['AccessDenied', 'AccessDeniedException', 'Client.UnauthorizedOperation', 'UnauthorizedOperation', 'VpceAccessDenied']) expect(codes).toContain(code);
    expect(codes).toContainEqual({ prefix: 'AccessDenied' });
    expect(codes).toContainEqual({ suffix: 'UnauthorizedOperation' });
  });

  for (const folder of corpusFoldersWith('denied.jsonl')) {
    const denied = readJsonl(`${folder}/denied.jsonl`);
    if (denied.length > 0) {
      it(`matches every denial of ${folder} (${denied.length})`, () => {
        for (const record of denied) expect(matchesPattern(pattern, asEvent(record)), `${record.eventID} ${record.errorCode}`).toBe(true);
      });
    }
  }

  for (const folder of corpusFoldersWith('negatives.jsonl')) {
    const negatives = readJsonl(`${folder}/negatives.jsonl`);
    if (negatives.length > 0) {
      it(`matches no negative of ${folder} (${negatives.length})`, () => {
        for (const record of negatives) expect(matchesPattern(pattern, asEvent(record)), `${record.eventID} ${record.errorCode}`).toBe(false);
      });
    }
  }

  it.each(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'AuthFailure', 'Throttling', 'NoSuchEntity', 'NoSuchBucket', 'Client.DryRunOperation', 'NotAuthorizedException', 'AuthorizationError'])(
    'does not match the look-alike %s (synthetic)',
    (code) => {
      expect(matchesPattern(pattern, withCode(code))).toBe(false);
    },
  );

  it('matches each opt-in code only when configured', () => {
    for (const code of OPTIONAL_DENIAL_ERROR_CODES) {
      expect(matchesPattern(pattern, withCode(code)), code).toBe(false);
      expect(matchesPattern(denialEventPattern([code]), withCode(code)), code).toBe(true);
    }
  });

  it('agrees with the handler\'s isDenialErrorCode on every code seen in the corpus and the known lists', () => {
    const corpusCodes = ['denied.jsonl', 'negatives.jsonl'].flatMap((file) =>
      corpusFoldersWith(file).flatMap((folder) => readJsonl(`${folder}/${file}`).map((record) => record.errorCode)),
    );
    const codes = new Set([...corpusCodes, ...DENIAL_ERROR_CODES, ...OPTIONAL_DENIAL_ERROR_CODES, 'AccessDeniedByPolicy', 'Client.VpceAccessDenied', 'ExpiredToken'].filter((code): code is string => typeof code === 'string'));
    expect(codes.size).toBeGreaterThan(15);
    for (const code of codes) expect(matchesPattern(pattern, withCode(code)), code).toBe(isDenialErrorCode(code));
  });

  it('takes only events AWS put on the bus: a source outside the reserved "aws." prefix never matches', () => {
    const record = readJsonl('stratus-red-team-detonation-logs/denied.jsonl')[0]!;
    expect(pattern.source).toEqual([{ prefix: 'aws.' }]);
    expect(matchesPattern(pattern, asEvent(record))).toBe(true);
    for (const source of ['com.attacker', 'aws', 'awsx.ec2', 'AWS.ec2', 'custom.aws.ec2']) {
      expect(matchesPattern(pattern, { ...asEvent(record), source }), source).toBe(false);
    }
  });

  describe('error codes judged per service and message, as isDenialErrorCode judges them', () => {
    const snsMessage = 'User: arn:aws:iam::111122223333:user/app is not authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:111122223333:alerts because no resource-based policy allows the SNS:Publish action';
    const cases: Array<[string, string, string, string | undefined, boolean]> = [
      ['SNS AuthorizationError is a denial', 'sns.amazonaws.com', 'AuthorizationError', snsMessage, true],
      ['SNS AuthorizationError is a denial even without a message', 'sns.amazonaws.com', 'AuthorizationError', undefined, true],
      ['AuthorizationError elsewhere, no IAM message: not a denial', 'iam.amazonaws.com', 'AuthorizationError', 'Something else', false],
      ['Cognito NotAuthorizedException (a wrong password) is not a denial', 'cognito-idp.amazonaws.com', 'NotAuthorizedException', 'Incorrect username or password.', false],
      ['Cognito NotAuthorizedException is not a denial even with the IAM phrase', 'cognito-idp.amazonaws.com', 'NotAuthorizedException', 'User: x is not authorized to perform: cognito-idp:AdminGetUser', false],
      ['UnauthorizedException carrying the IAM template is a denial', 'appsync.amazonaws.com', 'UnauthorizedException', 'User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: appsync:GraphQL on resource: arn:aws:appsync:us-east-1:111122223333:apis/x', true],
      ['ForbiddenException without the template is not a denial', 'apigateway.amazonaws.com', 'ForbiddenException', 'Forbidden', false],
    ];
    it.each(cases)('%s (synthetic)', (_label, eventSource, errorCode, errorMessage, expected) => {
      const event = asEvent({ eventSource, eventName: 'Call', errorCode, ...(errorMessage === undefined ? {} : { errorMessage }) });
      expect(isDenialErrorCode(errorCode, undefined, { eventSource, errorMessage })).toBe(expected);
      expect(matchesPattern(pattern, event)).toBe(expected);
    });

    it('agree on every record of the corpus, denials and negatives', () => {
      let checked = 0;
      for (const file of ['denied.jsonl', 'negatives.jsonl']) {
        for (const folder of corpusFoldersWith(file)) {
          for (const record of readJsonl(`${folder}/${file}`)) {
            if (typeof record.errorCode !== 'string') continue;
            checked++;
            const expected = isDenialErrorCode(record.errorCode, undefined, { eventSource: record.eventSource, errorMessage: record.errorMessage });
            expect(matchesPattern(pattern, asEvent(record)), `${record.eventID} ${record.errorCode}`).toBe(expected);
          }
        }
      }
      expect(checked).toBeGreaterThan(80);
    });
  });

  it('ignores other detail-types and events without an errorCode', () => {
    const record = readJsonl('stratus-red-team-detonation-logs/denied.jsonl')[0]!;
    expect(matchesPattern(pattern, { ...asEvent(record), 'detail-type': 'AWS Console Sign In via CloudTrail' })).toBe(false);
    expect(matchesPattern(pattern, asEvent({ ...record, errorCode: undefined }))).toBe(false);
  });
});
