import { afterEach, describe, expect, it } from 'vitest';
import { CENTRAL_BUS_NAME as LIB_BUS } from '../../lib/denial-alerter.js';
import { CENTRAL_BUS_NAME } from '../../lambdas/cli/preflight.js';
import { appEventPatterns } from '../../lambdas/cli/preflight-patterns.js';
import { largestPattern } from '../../lambdas/core/preflight/pattern-quota.js';
import { runCli } from '../cli/run-cli.js';
import { closedPort } from '../support/http-server.js';
import { healthyAccount, startLoopbackAccount, type AccountState, type LoopbackAccount } from './support/loopback-account.js';

const accounts: LoopbackAccount[] = [];
afterEach(async () => {
  await Promise.all(accounts.splice(0).map((account) => account.close()));
});

const ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };
const SLACK = ['-c', 'slackWebhookSecretName=denial-alerter/slack'];

async function preflight(change: (state: AccountState) => void, args: string[] = [], env: Record<string, string> = {}) {
  const state = healthyAccount();
  change(state);
  const account = await startLoopbackAccount(state);
  accounts.push(account);
  const result = await runCli(['preflight', '--endpoint-url', account.url, ...SLACK, ...args], { env: { ...ENV, ...env } });
  const json = args.includes('--json') ? (JSON.parse(result.stdout) as { checks: Array<{ id: string; verdict: string; detail: string; fix?: string }>; ready: boolean; account: string; region: string; summary: Record<string, number> }) : undefined;
  const check = (id: string) => json?.checks.find((candidate) => candidate.id === id);
  return { ...result, json, check, account };
}

describe('denial-alerter preflight', () => {
  it('passes every check of a healthy account and exits 0', async () => {
    const run = await preflight(() => undefined);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/account 111122223333, Region eu-west-1/);
    expect(run.stdout).toMatch(/PASS {2}CloudTrail trail: "org-trail" \(organization, multi-Region\) is logging read and write management events/);
    expect(run.stdout).not.toMatch(/WARN|FAIL/);
    expect(run.stdout).toMatch(/0 blockers: ready for cdk deploy/);
    expect(run.status).toBe(0);
  });

  it('gives one JSON document with --json: account, Region, each check with verdict, detail and fix, a summary', async () => {
    const run = await preflight((state) => void (state.trails = []), ['--json']);
    expect(run.json).toMatchObject({ account: '111122223333', region: 'eu-west-1', ready: false, summary: { fail: 1 } });
    expect(run.check('trail')).toMatchObject({ verdict: 'fail', fix: expect.stringContaining('createTrail=true') });
    expect(run.check('trail')!.detail).toContain('a CloudTrail trail with logging enabled is required');
    expect(run.json!.checks.map((check) => check.id)).toEqual(['trail', 'pattern-quota', 'bootstrap', 'slack-secret:denial-alerter/slack', 'email-subscriptions', 'name-collisions']);
    expect(run.status).toBe(1);
  });

  describe('the trail', () => {
    it('fails when the only trail is not logging, naming start-logging', async () => {
      const run = await preflight((state) => void (state.trails[0]!.logging = false), ['--json']);
      expect(run.check('trail')).toMatchObject({ verdict: 'fail', fix: expect.stringContaining('aws cloudtrail start-logging --region us-east-1 --name org-trail') });
    });
    it('fails when no trail covers the Region (single-Region trail elsewhere)', async () => {
      const run = await preflight((state) => void (state.trails = [{ Name: 'local', HomeRegion: 'us-east-1', IsMultiRegionTrail: false, logging: true }]), ['--json']);
      expect(run.check('trail')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('no trail covers eu-west-1'), fix: expect.stringContaining('--is-multi-region-trail') });
    });
    it('accepts a single-Region trail whose home Region is this one', async () => {
      const run = await preflight((state) => void (state.trails = [{ Name: 'here', HomeRegion: 'eu-west-1', IsMultiRegionTrail: false, logging: true }]), ['--json']);
      expect(run.check('trail')?.verdict).toBe('pass');
    });
    it('warns when basic selectors record only write events (read-only denials missed)', async () => {
      const run = await preflight((state) => void (state.trails[0] = { Name: 'w', HomeRegion: 'eu-west-1', IsMultiRegionTrail: true, logging: true, EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] }), ['--json']);
      expect(run.check('trail')).toMatchObject({ verdict: 'warn', detail: expect.stringContaining('read-only management events') });
      expect(run.status).toBe(0);
    });
    it('fails when the selectors exclude management events', async () => {
      const run = await preflight((state) => void (state.trails[0] = { Name: 'data', HomeRegion: 'eu-west-1', IsMultiRegionTrail: true, logging: true, EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }] }), ['--json']);
      expect(run.check('trail')).toMatchObject({ verdict: 'fail', fix: expect.stringContaining('put-event-selectors') });
    });
    it('warns when advanced selectors keep only write management events', async () => {
      const run = await preflight(
        (state) => void (state.trails[0]!.AdvancedEventSelectors = [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }] }]),
        ['--json'],
      );
      expect(run.check('trail')).toMatchObject({ verdict: 'warn', detail: expect.stringContaining('read-only') });
    });
  });

  describe('the event pattern size quota', () => {
    it('falls back to the AWS default (2,048) when no applied value exists, and fails exactly when a pattern is larger', async () => {
      const run = await preflight((state) => void (state.patternQuota = undefined), ['--json']);
      const check = run.check('pattern-quota')!;
      // Measured from the app's own patterns, so this holds before and after the change rule is sharded (issue 19).
      const largest = largestPattern(appEventPatterns({ extraErrorCodes: [], whatChanged: true }));
      expect(check.verdict).toBe(largest.chars > 2048 ? 'fail' : 'pass');
      expect(check.detail).toContain('2,048 characters (AWS default, events L-664C5505)');
      if (check.verdict === 'fail') expect(check.fix).toContain('--quota-code L-664C5505');
      expect(run.account.operations()).toEqual(expect.arrayContaining(['GetServiceQuota', 'GetAWSDefaultServiceQuota']));
    });
    it('fails on a low applied value too', async () => {
      const run = await preflight((state) => void (state.patternQuota = 500), ['--json']);
      expect(run.check('pattern-quota')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('500 characters (applied value') });
    });
  });

  describe('the CDK bootstrap', () => {
    it('fails without a CDKToolkit stack, naming cdk bootstrap for this account and Region', async () => {
      const run = await preflight((state) => void (state.bootstrapVersion = null), ['--json']);
      expect(run.check('bootstrap')).toMatchObject({ verdict: 'fail', fix: 'npx cdk bootstrap aws://111122223333/eu-west-1' });
    });
    it('fails on a bootstrap older than version 6', async () => {
      const run = await preflight((state) => void (state.bootstrapVersion = 4), ['--json']);
      expect(run.check('bootstrap')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('bootstrap version 4') });
    });
    it('reads the SSM parameter when DescribeStacks is denied', async () => {
      const run = await preflight((state) => void (state.failures.DescribeStacks = 'AccessDenied'), ['--json']);
      expect(run.check('bootstrap')).toMatchObject({ verdict: 'pass', detail: expect.stringContaining('SSM parameter') });
    });
  });

  describe('organization mode', () => {
    const org = (change: (state: AccountState) => void = () => undefined) => (state: AccountState) => {
      state.organization = { id: 'o-a1b2c3d4e5', featureSet: 'ALL', delegatedAdmins: ['111122223333'], trusted: ['member.org.stacksets.cloudformation.amazonaws.com'], roots: ['r-ab12'], units: ['ou-ab12-abcdefgh'] };
      change(state);
    };
    const ORG = ['-c', 'organizationId=o-a1b2c3d4e5', '-c', 'organization={"targets":["r-ab12","ou-ab12-abcdefgh"],"regions":["eu-west-1"]}', '--json'];
    it('passes for a delegated administrator with trusted access, all features and existing targets', async () => {
      const run = await preflight(org(), ORG);
      expect(run.json!.checks.filter((check) => check.id.startsWith('org-')).map((check) => check.verdict)).toEqual(['pass', 'pass', 'pass', 'pass']);
    });
    it('fails for an account that is neither management nor delegated administrator', async () => {
      const run = await preflight(org((state) => void (state.organization!.delegatedAdmins = [])), ORG);
      expect(run.check('org-caller')).toMatchObject({ verdict: 'fail', fix: expect.stringContaining('register-delegated-administrator --account-id 111122223333 --service-principal member.org.stacksets.cloudformation.amazonaws.com') });
    });
    it('fails when trusted access for StackSets is off', async () => {
      const run = await preflight(org((state) => void (state.organization!.trusted = [])), ORG);
      expect(run.check('org-trusted-access')).toMatchObject({ verdict: 'fail', fix: expect.stringContaining('activate-organizations-access') });
    });
    it('fails when a target OU does not exist, and on consolidated billing only', async () => {
      const run = await preflight(org((state) => ((state.organization!.units = []), (state.organization!.featureSet = 'CONSOLIDATED_BILLING'))), ORG);
      expect(run.check('org-targets')).toMatchObject({ verdict: 'fail', detail: 'ou-ab12-abcdefgh does not exist in the organization' });
      expect(run.check('org-features')?.verdict).toBe('fail');
    });
    it('passes the management account with callAs SELF, and fails it with the default DELEGATED_ADMIN', async () => {
      const management = org((state) => ((state.managementAccount = '111122223333'), (state.organization!.delegatedAdmins = [])));
      const self = await preflight(management, [...ORG, '-c', 'organization={"targets":["r-ab12"],"regions":["eu-west-1"],"callAs":"SELF"}']);
      expect(self.check('org-caller')).toMatchObject({ verdict: 'pass', detail: 'account 111122223333 is the management account (callAs SELF)' });
      const delegated = await preflight(management, ORG);
      expect(delegated.check('org-caller')).toMatchObject({ verdict: 'fail', fix: 'set "callAs": "SELF" in context "organization"' });
    });
    it('fails when context organizationId names another organization', async () => {
      const run = await preflight(org(), [...ORG, '-c', 'organizationId=o-zzzzzzzzzz']);
      expect(run.check('org-caller')).toMatchObject({ verdict: 'fail', fix: 'set context "organizationId" to o-a1b2c3d4e5' });
    });
    it('--organization checks the organization without the context', async () => {
      const run = await preflight(() => undefined, ['--organization', '--json']);
      expect(run.check('org-caller')).toMatchObject({ verdict: 'fail', detail: 'account 111122223333 is not in an organization' });
    });
  });

  describe('the Slack webhook secret', () => {
    it('fails when it is missing', async () => {
      const run = await preflight((state) => void (state.secrets = {}), ['--json']);
      expect(run.check('slack-secret:denial-alerter/slack')).toMatchObject({ verdict: 'fail', fix: expect.stringContaining('create-secret') });
    });
    it('fails when it holds no URL, and never prints its value', async () => {
      const run = await preflight((state) => void (state.secrets['denial-alerter/slack'] = 'xoxb-TOPSECRET-token'));
      expect(run.stdout).toMatch(/FAIL {2}Slack webhook secret "denial-alerter\/slack": the secret does not hold a webhook URL/);
      expect(run.stdout + run.stderr).not.toContain('TOPSECRET');
      expect(run.status).toBe(1);
    });
    it('never prints a valid URL either', async () => {
      const run = await preflight(() => undefined);
      expect(run.stdout).not.toContain('SECRETVALUE');
    });
    it('fails when it cannot be read (KMS), and warns naming the permission when GetSecretValue is denied', async () => {
      const denied = await preflight((state) => void (state.failures.GetSecretValue = 'AccessDeniedException'), ['--json']);
      expect(denied.check('slack-secret:denial-alerter/slack')).toMatchObject({ verdict: 'warn', detail: expect.stringContaining('lack secretsmanager:GetSecretValue') });
      const kms = await preflight((state) => void (state.failures.GetSecretValue = 'DecryptionFailure'), ['--json']);
      expect(kms.check('slack-secret:denial-alerter/slack')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('kms:Decrypt') });
    });
  });

  it('warns about e-mail subscriptions pending confirmation on the deployed stack\'s topics', async () => {
    const topic = 'arn:aws:sns:eu-west-1:111122223333:DenialAlerter-Alerts';
    const run = await preflight((state) => {
      state.stacks.DenialAlerter = { outputs: { AlertTopicArn: topic }, resources: [{ type: 'AWS::Events::EventBus', physicalId: CENTRAL_BUS_NAME }] };
      state.buses = [CENTRAL_BUS_NAME];
      state.topics[topic] = [
        { Protocol: 'email', Endpoint: 'secops@example.com', SubscriptionArn: 'PendingConfirmation' },
        { Protocol: 'email', Endpoint: 'done@example.com', SubscriptionArn: `${topic}:1` },
      ];
    }, ['--json']);
    expect(run.check('email-subscriptions')).toMatchObject({ verdict: 'warn', detail: 'pending confirmation, so receiving nothing: secops@example.com (DenialAlerter-Alerts)' });
    // The bus is the deployed stack's own: an update, not a collision.
    expect(run.check('name-collisions')?.verdict).toBe('pass');
  });

  it('fails when the central bus or the StackSet already exist outside the stack', async () => {
    expect(CENTRAL_BUS_NAME).toBe(LIB_BUS);
    const run = await preflight(
      (state) => {
        state.buses = [CENTRAL_BUS_NAME];
        state.stackSets = ['DenialAlerter-members'];
        state.organization = { id: 'o-a1b2c3d4e5', featureSet: 'ALL', delegatedAdmins: ['111122223333'], trusted: ['member.org.stacksets.cloudformation.amazonaws.com'], roots: ['r-ab12'], units: [] };
      },
      ['-c', 'organizationId=o-a1b2c3d4e5', '-c', 'organization={"targets":["r-ab12"],"regions":["eu-west-1"]}', '--json'],
    );
    expect(run.check('name-collisions')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('event bus "denial-alerter-central", StackSet "DenialAlerter-members" already exist outside stack DenialAlerter') });
  });

  describe('failures of preflight\'s own calls', () => {
    it('reports throttling after the SDK\'s retries, and goes on', async () => {
      const run = await preflight((state) => void (state.failures.DescribeTrails = 'ThrottlingException'), ['--json']);
      expect(run.check('trail')).toMatchObject({ verdict: 'warn', detail: expect.stringContaining('throttled after the SDK\'s retries') });
      expect(run.account.operations().filter((operation) => operation === 'DescribeTrails')).toHaveLength(3);
      expect(run.check('bootstrap')?.verdict).toBe('pass');
    });
    it('names the permission it lacks on access denied, and goes on with the other checks', async () => {
      const run = await preflight((state) => void (state.failures.GetServiceQuota = 'AccessDeniedException'));
      expect(run.stdout).toMatch(/WARN {2}EventBridge "Event pattern size" quota: not checked: preflight's credentials lack servicequotas:GetServiceQuota/);
      expect(run.stdout).toMatch(/PASS {2}CDK bootstrap/);
      expect(run.status).toBe(0);
    });
    it('warns for one service it cannot reach (a per-service endpoint override, AWS_ENDPOINT_URL_<SERVICE>), and goes on', async () => {
      const run = await preflight(() => undefined, ['--json'], { AWS_ENDPOINT_URL_SERVICE_QUOTAS: await closedPort() });
      expect(run.check('pattern-quota')).toMatchObject({ verdict: 'warn', detail: expect.stringMatching(/servicequotas:GetServiceQuota could not reach its endpoint \(Service Quotas endpoint: ECONNREFUSED\)/) });
      expect(run.check('trail')?.verdict).toBe('pass');
      expect(run.status).toBe(0);
    });
    it('ends in one line on an expired session', async () => {
      const run = await preflight((state) => void (state.failures.GetCallerIdentity = 'ExpiredToken'));
      expect(run.stderr.trim().split('\n')).toEqual(['denial-alerter preflight: the AWS session has expired (STS said ExpiredToken): refresh your credentials (aws sso login, or new temporary keys) and run preflight again']);
      expect(run.status).toBe(1);
    });
    it('ends in one line when a check meets an expired session mid-run', async () => {
      const run = await preflight((state) => void (state.failures.DescribeTrails = 'ExpiredTokenException'));
      expect(run.stderr).toMatch(/^denial-alerter preflight: the AWS session has expired \(CloudTrail said ExpiredTokenException\)/);
      expect(run.stdout).toBe('');
      expect(run.status).toBe(1);
    });
    it('ends in one line when the endpoint cannot be reached', async () => {
      const run = await runCli(['preflight', '--endpoint-url', await closedPort()], { env: ENV });
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/could not reach AWS \(STS endpoint: ECONNREFUSED\)/);
      expect(run.status).toBe(1);
    });
  });

  it('prints its help, exit 0', async () => {
    const run = await runCli(['preflight', '--help'], { env: ENV });
    expect(run.stdout).toMatch(/--profile <name>/);
    expect(run.stdout).toMatch(/Exit status: 0 ready/);
    expect(run.status).toBe(0);
  });

  describe('usage errors (exit 2)', () => {
    it.each([
      [['preflight', '--region', 'eu-west-9'], /--region "eu-west-9": no such AWS Region/],
      [['preflight', '--region', 'Ireland'], /--region "Ireland": not a Region name/],
      [['preflight', '--endpoint-url', 'nowhere'], /--endpoint-url "nowhere"/],
      [['preflight', '-c', 'organization={"targets":["r-ab12"],"regions":["eu-west-1"]}'], /context "organization" needs context "organizationId"/],
      [['preflight', '--app', 'no-such-cdk.json'], /--app no-such-cdk.json: no such file/],
      [['preflight', '--regoin', 'eu-west-1'], /unknown option '--regoin'/],
    ])('%j', async (args, message) => {
      const run = await runCli(args, { env: ENV });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.status).toBe(2);
    });
    it('without a Region', async () => {
      const run = await runCli(['preflight'], { env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' } });
      expect(run.stderr).toMatch(/no Region: give --region or set AWS_REGION/);
      expect(run.status).toBe(2);
    });
  });
});
