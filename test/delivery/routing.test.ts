import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { parseAccountOrganizationalUnits, parseRoutes, routeAlert, routeLabel, routesFromJson, RouteConfigError } from '../../lambdas/core/routing.js';
import { resolveSettings, SettingsError } from '../../lambdas/core/config.js';
import { routingFromEnvironment } from '../../lambdas/config/routing.js';
import { ec2GetPasswordData } from '../render/alerts.js';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:security-alerts';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack/prod-AbCdEf';
const alert = (changes: Partial<AlertSummary>): AlertSummary => ({ ...ec2GetPasswordData, ...changes });

const routes = parseRoutes([
  { name: 'security', match: { minSeverity: 'high' }, snsTopicArn: TOPIC, continue: true },
  { name: 'prod', match: { organizationalUnits: ['ou-ab12-prod0001'] }, slackWebhookSecretArn: SECRET },
  { name: 'sandbox', match: { accounts: ['999999999999'] }, slackWebhookSecretName: 'slack/sandbox' },
  { name: 'ci', match: { principals: ['arn:aws:iam::*:role/ci-*'], actions: ['s3:*', 'ECR:Put*'] }, slackWebhookSecretName: 'slack/ci' },
  { name: 'data', match: { resourceTags: { team: ['data', 'analytics-*'] } }, slackWebhookSecretName: 'slack/data' },
  { name: 'default', slackWebhookSecretName: 'slack/default' },
]);
const facts = { accountOrganizationalUnits: { '111111111111': ['ou-ab12-prod0001', 'r-ab12'] } };
const names = (decision: { routes: Array<{ name: string }> }) => decision.routes.map((route) => route.name);

describe('routing an alert', () => {
  it('the first matching route wins; a default route takes the rest', () => {
    expect(routeAlert(alert({ accountId: '999999999999', triage: undefined }), routes, facts)).toEqual({
      routes: [routes[2]],
      channels: ['slack:sandbox'],
    });
    expect(names(routeAlert(alert({ accountId: '123456789012', triage: undefined }), routes, facts))).toEqual(['default']);
  });

  it('organizational units come from the facts passed in (an account below the OU matches; one not in the map does not)', () => {
    expect(names(routeAlert(alert({ accountId: '111111111111', triage: undefined }), routes, facts))).toEqual(['prod']);
    expect(names(routeAlert(alert({ accountId: '111111111111', triage: undefined }), routes, {}))).toEqual(['default']);
  });

  it('a route with continue adds the next matching route: a high-severity prod alert goes to SNS and prod Slack', () => {
    const decision = routeAlert(alert({ accountId: '111111111111', triage: { severity: 'critical', investigateFirst: true, signals: [] } }), routes, facts);
    expect(names(decision)).toEqual(['security', 'prod']);
    expect(decision.channels).toEqual([`sns:${TOPIC}`, 'slack:prod']);
    expect(routeLabel(decision)).toBe('security+prod');
    expect(names(routeAlert(alert({ accountId: '111111111111', triage: { severity: 'medium', investigateFirst: false, signals: [] } }), routes, facts))).toEqual(['prod']);
  });

  it('principal and action globs (actions case-insensitive) must both match', () => {
    const ci = { accountId: '123456789012', principalArn: 'arn:aws:iam::123456789012:role/ci-deploy', triage: undefined };
    expect(names(routeAlert(alert({ ...ci, action: 'S3:GetObject' }), routes))).toEqual(['ci']);
    expect(names(routeAlert(alert({ ...ci, action: 'ecr:PutImage' }), routes))).toEqual(['ci']);
    expect(names(routeAlert(alert({ ...ci, action: 'kms:Decrypt' }), routes))).toEqual(['default']);
    expect(names(routeAlert(alert({ ...ci, principalArn: null, action: 's3:GetObject' }), routes))).toEqual(['default']);
  });

  it('resource tags: every key given, any of its value globs; no tags known means no match', () => {
    const plain = alert({ accountId: '123456789012', triage: undefined });
    expect(names(routeAlert(plain, routes, { resourceTags: { team: 'analytics-eu' } }))).toEqual(['data']);
    expect(names(routeAlert(plain, routes, { resourceTags: { team: 'web' } }))).toEqual(['default']);
    expect(names(routeAlert(plain, routes, {}))).toEqual(['default']);
  });

  it('two routes naming one topic give one SNS channel', () => {
    const shared = parseRoutes([
      { name: 'a', snsTopicArn: TOPIC, continue: true },
      { name: 'b', snsTopicArn: TOPIC },
    ]);
    expect(routeAlert(alert({}), shared).channels).toEqual([`sns:${TOPIC}`]);
  });

  it('channel ids never hold a secret: Slack is named by route, never by the secret or the URL', () => {
    const decision = routeAlert(alert({ accountId: '111111111111', triage: undefined }), routes, facts);
    expect(decision.channels).toEqual(['slack:prod']);
    expect(decision.channels.join()).not.toContain('secret');
  });
});

describe('route validation names the bad key', () => {
  it.each([
    [{}, 'routes must be an array of routes'],
    [[], 'routes must hold at least one route'],
    [[{ name: 'x y', snsTopicArn: TOPIC }], 'routes[0].name must be 1–64 letters'],
    [[{ name: 'a', snsTopicArn: TOPIC, colour: 'red' }], 'routes[0] ("a") has unknown key "colour"'],
    [[{ name: 'a', match: { accounts: ['12345'] }, snsTopicArn: TOPIC }, { name: 'd', snsTopicArn: TOPIC }], 'routes[0] ("a").match.accounts[0] must be a 12-digit account id, got "12345"'],
    [[{ name: 'a', match: { organizationalUnits: ['prod'] }, snsTopicArn: TOPIC }, { name: 'd', snsTopicArn: TOPIC }], 'routes[0] ("a").match.organizationalUnits[0] must be an organizational unit or root id'],
    [[{ name: 'a', match: { severities: ['urgent'] }, snsTopicArn: TOPIC }, { name: 'd', snsTopicArn: TOPIC }], 'routes[0] ("a").match.severities[0] must be one of info, low, medium, high, critical'],
    [[{ name: 'a', match: {}, snsTopicArn: TOPIC }, { name: 'd', snsTopicArn: TOPIC }], 'routes[0] ("a").match is empty'],
    [[{ name: 'a', match: { region: 'x' }, snsTopicArn: TOPIC }, { name: 'd', snsTopicArn: TOPIC }], 'routes[0] ("a").match has unknown key "region"'],
    [[{ name: 'a' }], 'routes[0] ("a") has no channel'],
    [[{ name: 'a', slackWebhookSecretArn: SECRET, slackWebhookSecretName: 'x' }], 'gives both slackWebhookSecretArn and slackWebhookSecretName'],
    [[{ name: 'a', slackWebhookSecretName: 'https://hooks.slack.com/services/T/B/x' }], 'routes[0] ("a").slackWebhookSecretName must be the name of a secret holding the webhook URL (never the URL itself)'],
    [[{ name: 'a', snsTopicArn: 'my-topic' }], 'routes[0] ("a").snsTopicArn must be an SNS topic ARN'],
    [[{ name: 'a', snsTopicArn: TOPIC }, { name: 'a', snsTopicArn: TOPIC }], 'routes[1] ("a").name is used by an earlier route'],
    [[{ name: 'a', snsTopicArn: TOPIC }, { name: 'b', snsTopicArn: TOPIC }], 'routes[0] ("a") has no "match" and no "continue"'],
    [[{ name: 'a', match: { accounts: ['111111111111'] }, snsTopicArn: TOPIC }], 'the last route ("a") must be a default route with no "match"'],
  ])('%j', (json, message) => {
    expect(() => parseRoutes(json)).toThrow(RouteConfigError);
    expect(() => parseRoutes(json)).toThrow(message);
  });

  it('routes from an environment variable: empty means none, bad JSON is named', () => {
    expect(routesFromJson(undefined)).toBeUndefined();
    expect(routesFromJson(' ')).toBeUndefined();
    expect(routesFromJson(JSON.stringify([{ name: 'default', snsTopicArn: TOPIC }]))).toEqual([{ name: 'default', snsTopicArn: TOPIC }]);
    expect(() => routesFromJson('[{')).toThrow(/^routes are not valid JSON/);
  });

  it('the environment variables the stack sets: errors name the variable', () => {
    const routes = [{ name: 'default', snsTopicArn: TOPIC }];
    expect(routingFromEnvironment({ DENIAL_ALERTER_ROUTES: JSON.stringify(routes), DENIAL_ALERTER_ACCOUNT_OUS: '{"111111111111":["r-ab12"]}' })).toEqual({
      routes,
      accountOrganizationalUnits: { '111111111111': ['r-ab12'] },
    });
    expect(routingFromEnvironment({})).toEqual({});
    expect(() => routingFromEnvironment({ DENIAL_ALERTER_ROUTES: '[{"name":"a"}]' })).toThrow('environment variable DENIAL_ALERTER_ROUTES: routes[0] ("a") has no channel');
    expect(() => routingFromEnvironment({ DENIAL_ALERTER_ACCOUNT_OUS: '{"x":[]}' })).toThrow('environment variable DENIAL_ALERTER_ACCOUNT_OUS: accountOrganizationalUnits key "x"');
  });

  it('the account → organizational units map', () => {
    expect(parseAccountOrganizationalUnits({ '111111111111': ['ou-ab12-prod0001', 'r-ab12'] })).toEqual({ '111111111111': ['ou-ab12-prod0001', 'r-ab12'] });
    expect(() => parseAccountOrganizationalUnits({ prod: ['ou-ab12-prod0001'] })).toThrow('accountOrganizationalUnits key "prod" is not a 12-digit account id');
    expect(() => parseAccountOrganizationalUnits({ '111111111111': ['prod'] })).toThrow('accountOrganizationalUnits["111111111111"][0] must be an organizational unit or root id');
  });

  it('settings carry routes (replay --settings), validated the same way', () => {
    expect(resolveSettings({ routes: [{ name: 'default', snsTopicArn: TOPIC }] }).routes).toEqual([{ name: 'default', snsTopicArn: TOPIC }]);
    expect(resolveSettings({}).routes).toBeUndefined();
    expect(() => resolveSettings({ routes: [{ name: 'a' }] })).toThrow(SettingsError);
    expect(() => resolveSettings({ routes: [{ name: 'a' }] })).toThrow('setting routes[0] ("a") has no channel');
  });
});
