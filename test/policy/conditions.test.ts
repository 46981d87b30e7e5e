/**
 * Condition operators, one row per documented behaviour (IAM User Guide, "IAM JSON policy elements: Condition
 * operators" and "Single-valued vs. multivalued context keys"). `absent` keys are known missing from the request;
 * keys neither known nor absent are ones the record cannot supply.
 */
import { describe, expect, it } from 'vitest';
import { evaluateConditions, ipInCidr } from '../../lambdas/core/iam-policy/conditions.js';
import type { RequestContext } from '../../lambdas/core/iam-policy/types.js';

const context: RequestContext = {
  principalArn: 'arn:aws:iam::111122223333:role/app',
  sessionArn: 'arn:aws:sts::111122223333:assumed-role/app/job-1',
  servicePrincipal: null,
  principalAccount: '111122223333',
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::reports/q3.csv',
  resourceAccount: '111122223333',
  keys: {
    'aws:sourceip': '203.0.113.7',
    'aws:requestedregion': 'eu-west-1',
    'aws:principalarn': 'arn:aws:iam::111122223333:role/app',
    'aws:principaltag/team': 'data',
    'aws:multifactorauthpresent': 'true',
    'aws:currenttime': '2025-06-01T12:00:00Z',
    'aws:epochtime': '1748779200',
    's3:max-keys': '50',
    'aws:tagkeys': ['team', 'env'],
    'aws:sourceipv6': '2001:db8:1::7',
    'aws:username': 'dev',
    'app:literal': 'a*b',
  },
  absent: ['aws:sourcevpce', 'aws:principaltag/*', 'aws:requesttag/env'],
};

type Row = [string, Record<string, Record<string, unknown>>, true | false | string[]];

const rows: Row[] = [
  ['StringEquals matches exactly', { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, true],
  ['StringEquals is case-sensitive', { StringEquals: { 'aws:RequestedRegion': 'EU-WEST-1' } }, false],
  ['StringEquals with a list matches any', { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } }, true],
  ['StringNotEquals with a list needs none to match', { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } }, false],
  ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:RequestedRegion': 'EU-WEST-1' } }, true],
  ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { 'aws:RequestedRegion': 'EU-WEST-1' } }, false],
  ['StringLike with *', { StringLike: { 'aws:RequestedRegion': 'eu-*' } }, true],
  ['StringLike with ?', { StringLike: { 'aws:RequestedRegion': 'eu-west-?' } }, true],
  ['StringNotLike', { StringNotLike: { 'aws:RequestedRegion': 'us-*' } }, true],
  ['condition keys are case-insensitive', { StringEquals: { 'AWS:REQUESTEDREGION': 'eu-west-1' } }, true],
  ['policy variable in a value', { StringEquals: { 'aws:PrincipalTag/team': '${aws:PrincipalTag/team}' } }, true],
  ['${*} is a literal asterisk', { StringEquals: { 'app:literal': 'a${*}b' } }, true],
  ['${*} is not a wildcard in StringLike', { StringLike: { 'app:literal': 'a${*}' } }, false],
  ['ArnLike with a wildcard account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app' } }, true],
  ['ArnEquals accepts wildcards too', { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } }, true],
  ['ArnLike: a mid-segment * stays in its segment', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::1*3:role/app' } }, true],
  ['ArnNotLike', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin-*' } }, true],
  ['ArnNotEquals', { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app' } }, false],
  ['NumericLessThan', { NumericLessThan: { 's3:max-keys': '100' } }, true],
  ['NumericLessThanEquals at the bound', { NumericLessThanEquals: { 's3:max-keys': '50' } }, true],
  ['NumericGreaterThan', { NumericGreaterThan: { 's3:max-keys': '50' } }, false],
  ['NumericGreaterThanEquals', { NumericGreaterThanEquals: { 's3:max-keys': '50' } }, true],
  ['NumericEquals', { NumericEquals: { 's3:max-keys': '50' } }, true],
  ['NumericNotEquals', { NumericNotEquals: { 's3:max-keys': '50' } }, false],
  ['DateLessThan (ISO 8601)', { DateLessThan: { 'aws:CurrentTime': '2025-07-01T00:00:00Z' } }, true],
  ['DateGreaterThan (ISO 8601)', { DateGreaterThan: { 'aws:CurrentTime': '2025-07-01T00:00:00Z' } }, false],
  ['DateGreaterThanEquals (epoch seconds)', { DateGreaterThanEquals: { 'aws:CurrentTime': '1748779200' } }, true],
  ['DateEquals', { DateEquals: { 'aws:CurrentTime': '2025-06-01T12:00:00Z' } }, true],
  ['DateNotEquals', { DateNotEquals: { 'aws:CurrentTime': '2025-06-01T12:00:00Z' } }, false],
  ['Bool true', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, true],
  ['Bool with a JSON boolean', { Bool: { 'aws:MultiFactorAuthPresent': false } }, false],
  ['IpAddress IPv4 CIDR', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, true],
  ['IpAddress list', { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '203.0.113.7/32'] } }, true],
  ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, false],
  ['IpAddress IPv6 CIDR', { IpAddress: { 'aws:SourceIpV6': '2001:db8:1::/48' } }, true],
  ['NotIpAddress IPv6 CIDR', { NotIpAddress: { 'aws:SourceIpV6': '2001:db8:2::/48' } }, true],
  ['Null true on an absent key', { Null: { 'aws:SourceVpce': 'true' } }, true],
  ['Null false on a present key', { Null: { 'aws:SourceIp': 'false' } }, true],
  ['Null true on a present key', { Null: { 'aws:SourceIp': 'true' } }, false],
  ['IfExists on an absent key', { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } }, true],
  ['IfExists on a present key', { StringEqualsIfExists: { 'aws:RequestedRegion': 'us-east-1' } }, false],
  ['positive operator on an absent key', { StringEquals: { 'aws:SourceVpce': 'vpce-1' } }, false],
  ['negated operator on an absent key', { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } }, true],
  ['a tag the principal lacks (its tags were read) is absent', { StringEquals: { 'aws:PrincipalTag/cost-center': '42' } }, false],
  ['ForAllValues: every request value in the list', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env', 'owner'] } }, true],
  ['ForAllValues: one value outside', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, false],
  ['ForAllValues on an absent key is true', { 'ForAllValues:StringEquals': { 'aws:RequestTag/env': ['prod'] } }, true],
  ['ForAnyValue: one value in the list', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'owner'] } }, true],
  ['ForAnyValue: none in the list', { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['own*'] } }, false],
  ['ForAnyValue on an absent key is false, even negated', { 'ForAnyValue:StringNotEquals': { 'aws:RequestTag/env': ['prod'] } }, false],
  ['ForAllValues:StringNotEquals', { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } }, true],
  ['every operator of a block must hold', { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' }, Bool: { 'aws:MultiFactorAuthPresent': 'false' } }, false],
  ['a key the record cannot supply is "depends on"', { StringEquals: { 'aws:SourceVpc': 'vpc-1' } }, ['aws:SourceVpc']],
  ['a variable whose key is absent makes its value match nothing', { StringEquals: { 'aws:RequestedRegion': '${aws:PrincipalTag/home}x' } }, false],
  ['a false operator wins over an unknown key', { StringEquals: { 'aws:SourceVpc': 'vpc-1', 'aws:RequestedRegion': 'us-east-1' } }, false],
  ['variable default when the key is absent', { StringEquals: { 'aws:RequestedRegion': "${aws:PrincipalTag/region, 'eu-west-1'}" } }, true],
];

describe('condition operators', () => {
  it.each(rows)('%s', (_name, condition, expected) => {
    const result = evaluateConditions(condition, context);
    if (Array.isArray(expected)) expect(result).toEqual({ dependsOn: expected });
    else expect(result).toBe(expected);
  });

  it('depends on a key that is neither known nor known absent, through a variable', () => {
    const result = evaluateConditions({ StringEquals: { 'aws:RequestedRegion': '${aws:userid}' } }, context);
    expect(result).toEqual({ dependsOn: ['aws:userid'] });
  });
});

describe('ipInCidr', () => {
  it.each([
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.1.2.3', '10.0.0.0/8', false],
    ['192.0.2.1', '0.0.0.0/0', true],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.0/120', true],
    ['10.1.2.3', '2001:db8::/32', false],
    ['10.1.2.3', '10.1.2.3', true],
    ['10.1.2.3', '10.0.0.0/33', false],
    ['not-an-ip', '10.0.0.0/8', false],
  ])('%s in %s is %s', (ip, cidr, expected) => expect(ipInCidr(ip, cidr)).toBe(expected));
});
