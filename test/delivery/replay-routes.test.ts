/**
 * `replay` with routes from `--settings`, delivering to loopback webhooks: each receives its own accounts' alerts; a
 * webhook that hangs or rate-limits for an hour ends in the dead-letter file within `--delivery-budget`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReplayNotifier } from '../../lambdas/replay/notifier.js';
import { readSettingsFile } from '../../lambdas/replay/settings-file.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import { ec2GetPasswordData } from '../render/alerts.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { useHttpServers, type LocalServer } from '../support/http-server.js';
import { syntheticBurst } from '../support/records.js';
import { jsonLines, replayCaptured } from '../support/replay.js';

const dynamo = useDynamoDbLocal();
const workDir = mkdtempSync(join(tmpdir(), 'denial-routes-'));
const PROD = '111122223333';
const DEV = '444455556666';
const servers = useHttpServers();
const webhook = servers.start;

/** A burst of 6 denials (one alert at the default threshold of 5) by `principal`, in `account`. */
function burstIn(account: string, principal: string, startMs: number): CloudTrailRecord[] {
  return syntheticBurst(6, startMs, 1, { principal }).map((record) => JSON.parse(JSON.stringify(record).replaceAll(PROD, account)) as CloudTrailRecord);
}

function writeInput(name: string): string {
  const start = Date.parse('2025-03-01T10:00:00Z');
  const records = [...burstIn(PROD, 'prod-deployer', start), ...burstIn(DEV, 'dev-deployer', start + 120_000)];
  const path = join(workDir, name);
  writeFileSync(path, records.map((record) => JSON.stringify(record)).join('\n'));
  return path;
}

const ROUTES = [
  { name: 'prod', match: { accounts: [PROD] }, slackWebhookSecretName: 'denial-alerter/prod' },
  { name: 'dev', match: { accounts: [DEV] }, slackWebhookSecretName: 'denial-alerter/dev' },
  { name: 'default', slackWebhookSecretName: 'denial-alerter/default' },
];
/** The routes as the Lambda reads them (`DENIAL_ALERTER_ROUTES`); `replay` reads the same variable, or `--settings`. */
const ROUTES_ENV = { DENIAL_ALERTER_ROUTES: JSON.stringify(ROUTES) };

function writeSettings(name: string): string {
  const path = join(workDir, name);
  writeFileSync(path, JSON.stringify({ routes: ROUTES }));
  return path;
}

async function replay(args: string[], env: NodeJS.ProcessEnv = ROUTES_ENV) {
  const { status, stdout, stderr } = await replayCaptured(args, env);
  if (stdout.trim() === '') throw new Error(`replay printed nothing (status ${status}): ${stderr}`);
  const lines = jsonLines(stdout);
  return { status, stderr, alerts: lines.filter((line) => line.type === 'alert'), summary: lines.at(-1)! };
}

/** The store, dead-letter and test-webhook arguments of a replay whose `prod` and `dev` routes deliver to `prodWebhook` and `devWebhook`. */
function routedArgs(tableName: string, deadLetter: string, prodWebhook: LocalServer, devWebhook: LocalServer): string[] {
  return [
    '--endpoint',
    dynamo.emulator().endpoint,
    '--table',
    tableName,
    '--dead-letter',
    deadLetter,
    '--route-webhook',
    `prod=${prodWebhook.url}/services/T/PROD/token`,
    '--route-webhook',
    `dev=${devWebhook.url}/services/T/DEV/token`,
  ];
}

const textOf = (server: LocalServer) => server.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);

describe('replay with routes', () => {
  it('two local webhooks each receive the alerts of their own accounts', async () => {
    const prod = await webhook((_, res) => void res.writeHead(200).end('ok'));
    const dev = await webhook((_, res) => void res.writeHead(200).end('ok'));
    const { tableName } = await dynamo.newTable();
    const result = await replay(['--json', ...routedArgs(tableName, join(workDir, 'routes-dl.jsonl'), prod, dev), writeInput('two-accounts.jsonl')]);
    expect(result.stderr).not.toMatch(/delivery failed/);
    expect(result.alerts.map((alert) => alert.accountId)).toEqual([PROD, DEV]);
    expect(result.summary).toMatchObject({ alerts: 2, deliveryFailures: 0 });
    expect(textOf(prod)).toHaveLength(1);
    expect(textOf(prod)[0]).toContain('prod-deployer');
    expect(prod.requests[0]!.body).toContain('route `prod`');
    expect(textOf(dev)).toHaveLength(1);
    expect(textOf(dev)[0]).toContain('dev-deployer');
    expect(dev.requests[0]!.body).toContain('route `dev`');
  });

  it('takes the routes from --settings alone (no environment variable)', async () => {
    const prod = await webhook((_, res) => void res.writeHead(200).end('ok'));
    const dev = await webhook((_, res) => void res.writeHead(200).end('ok'));
    const { tableName } = await dynamo.newTable();
    const result = await replay(
      ['--json', '--settings', writeSettings('cli-routes.json'), ...routedArgs(tableName, join(workDir, 'settings-routes-dl.jsonl'), prod, dev), writeInput('two-accounts-settings.jsonl')],
      {},
    );
    expect(result.summary).toMatchObject({ alerts: 2, deliveryFailures: 0 });
    expect(textOf(prod)).toHaveLength(1);
    expect(textOf(prod)[0]).toContain('prod-deployer');
    expect(textOf(dev)).toHaveLength(1);
    expect(textOf(dev)[0]).toContain('dev-deployer');
  });

  it('a hanging webhook and one rate-limited for an hour end in the dead-letter file within --delivery-budget, alerts intact', async () => {
    const hanging = await webhook(() => 'hang');
    const limited = await webhook((_, res) => void res.writeHead(429, { 'retry-after': '3600' }).end('rate_limited'));
    const { tableName } = await dynamo.newTable();
    const deadLetter = join(workDir, 'budget-dl.jsonl');
    const result = await replay(['--json', ...routedArgs(tableName, deadLetter, hanging, limited), '--delivery-budget', '2s', writeInput('two-accounts-budget.jsonl')]);
    expect(result.summary).toMatchObject({ alerts: 2, deliveryFailures: 2 });
    const kept = readFileSync(deadLetter, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { reason: string; channel: string; error: string; alert: Record<string, unknown> });
    expect(kept.map((entry) => [entry.reason, entry.channel])).toEqual([
      ['delivery-failed', 'slack:prod'],
      ['delivery-failed', 'slack:dev'],
    ]);
    // Timed out, or (on a loaded machine, where rendering eats the budget) not tried: either way within the budget.
    expect(kept[0]!.error).toMatch(/timed out|deadline/);
    expect(kept[1]!.error).toContain('Retry-After 3600 s');
    expect(kept.map((entry) => entry.alert.alertId)).toEqual(result.alerts.map((alert) => alert.alertId));
    expect(kept[0]!.alert).toMatchObject({ accountId: PROD, count: 6 });
    expect(limited.requests).toHaveLength(1);
    expect(JSON.stringify(kept)).not.toContain('/services/T/');
  });

  it('bad routing flags are usage errors naming the flag', async () => {
    const { tableName } = await dynamo.newTable();
    const base = ['--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, writeInput('usage.jsonl')];
    const usage = async (args: string[], env: NodeJS.ProcessEnv = ROUTES_ENV) => {
      const error = await replay(args, env).then(() => null, (caught: unknown) => caught as Error);
      return error?.message ?? '';
    };
    expect(await usage([...base, '--route-webhook', 'prod=https://hooks.example/x'], {})).toMatch(/status 2\): .*--route-webhook and --deliver-to-routes need routes/);
    expect(await usage([...base, '--route-webhook', 'staging=https://hooks.example/x'])).toContain('--route-webhook names route "staging", which is not among the routes');
    expect(await usage([...base, '--delivery-budget', 'soon', '--slack-webhook', 'https://hooks.example/x'])).toContain('--delivery-budget must be a duration like 30s');
  });
});

describe('routes from the settings file', () => {
  it('the notifier routes by the settings\' routes (what `replay --settings` passes in)', async () => {
    const prod = await webhook((_, res) => void res.writeHead(200).end('ok'));
    const dev = await webhook((_, res) => void res.writeHead(200).end('ok'));
    const settings = resolveSettings(readSettingsFile(writeSettings('unit.json')));
    const notifier = createReplayNotifier({ 'route-webhook': [`prod=${prod.url}/services/T/PROD/token`, `dev=${dev.url}/services/T/DEV/token`] }, {}, settings);
    const alerts = [
      { ...ec2GetPasswordData, alertId: 'a-prod', accountId: PROD },
      { ...ec2GetPasswordData, alertId: 'a-dev', accountId: DEV },
      { ...ec2GetPasswordData, alertId: 'a-other', accountId: '777777777777' },
    ];
    const failures = await notifier.publish(alerts);
    expect(prod.requests).toHaveLength(1);
    expect(dev.requests).toHaveLength(1);
    expect(prod.requests[0]!.body).toContain(`account ${PROD}`);
    expect(dev.requests[0]!.body).toContain(`account ${DEV}`);
    // The default route has no test webhook and --deliver-to-routes was not given: nothing is sent for it, nothing fails.
    expect(failures).toEqual([]);
    // What replay prints can name the route too.
    expect(alerts.map((alert) => notifier.routed(alert).route)).toEqual(['prod', 'dev', 'default']);
    expect(createReplayNotifier({}, {}).routed(alerts[0]!)).toBe(alerts[0]);
  });
});
