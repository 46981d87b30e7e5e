import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { registerAthenaCommand, type AthenaCommandDeps } from '../../lambdas/cli/athena.js';
import type { CliContext } from '../../lambdas/cli/command-kit.js';
import { main, runReplay } from '../../lambdas/cli/main.js';
import { classify } from '../../lambdas/core/classify.js';
import { catalogEntryOf } from '../../lambdas/core/changes/catalog.js';
import { readRecords } from '../../lambdas/io/read-records.js';
import { readJsonl, STRATUS_ALL_EVENTS } from '../support/corpus.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { captureStreams as streams, jsonLines, replayCaptured } from '../support/replay.js';
import { startLoopbackAws, type LoopbackAws, type QueryBehaviour } from './support/loopback-aws.js';

const dynamo = useDynamoDbLocal();
const BIN = fileURLToPath(new URL('../../bin/denial-alerter.mjs', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'denial-athena-'));
const timeline = readJsonl<Record<string, unknown>>('stratus-red-team-detonation-logs/all_events.jsonl');
const accounts = [...new Set(timeline.map((record) => String(record.recipientAccountId)))].sort();
const regions = [...new Set(timeline.map((record) => String(record.awsRegion)))].sort();
/** Successful calls of the timeline that the change catalogue names. */
const changesInTimeline = timeline.filter((record) => !record.errorCode && catalogEntryOf(String(record.eventSource), String(record.eventName))).length;
/** The detonation timeline runs from 2024-07-30 to 2024-11-30 (UTC). */
const RANGE = ['--since', '2024-07-01', '--until', '2024-12-01'];

let aws: LoopbackAws | undefined;
afterEach(async () => {
  await aws?.close();
  aws = undefined;
});

async function athena(args: string[], endpoint: string, deps: AthenaCommandDeps = {}, region = 'us-east-1') {
  const io = streams();
  const env = {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_ATHENA: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ENDPOINT_URL_ORGANIZATIONS: endpoint,
  };
  const context: CliContext = { io: { stdin: Readable.from([]), stdout: io.stdout, stderr: io.stderr, env }, env, status: -1 };
  const program = new Command('denial-alerter').exitOverride();
  registerAthenaCommand(program, context, { pollIntervalMs: 1, replay: runReplay, ...deps });
  await program.parseAsync(['athena', ...args], { from: 'user' });
  return { status: context.status, stdout: io.out(), stderr: io.err() };
}

async function rawReplay(tableName: string) {
  const { status, stdout } = await replayCaptured(['--json', '--no-progress', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(workDir, 'raw-dl.jsonl'), STRATUS_ALL_EVENTS]);
  return { status, lines: jsonLines(stdout) };
}

/** What an alert says, without what depends on when it was computed. */
const verdict = (alert: Record<string, unknown>) => ({
  reason: alert.reason,
  fingerprint: alert.fingerprint,
  principalArn: alert.principalArn,
  action: alert.action,
  resource: alert.resource,
  denyLayer: alert.denyLayer,
  count: alert.count,
  windowStart: alert.windowStart,
});

describe('denial-alerter athena run', () => {
  it('extracts the denials on Athena and replays them to the same alerts as the raw timeline', async () => {
    aws = await startLoopbackAws({ records: timeline });
    const athenaTable = await dynamo.newTable();
    const result = await athena(
      ['run', '--bucket', 'org-trail', '--organization-id', 'o-exampleorg', ...RANGE, '--accounts', accounts.join(','), '--regions', regions.join(','), '--output', 's3://backtest-results/stratus/',
        '--', '--json', '--no-progress', '--endpoint', dynamo.emulator().endpoint, '--table', athenaTable.tableName, '--dead-letter', join(workDir, 'athena-dl.jsonl')],
      aws.url,
    );
    expect(result.stderr).toMatch(/SUCCEEDED\s+\S+ MB scanned, ~\$0\.0\d+/);
    expect(result.status).toBe(0);

    // The table was created, then the extraction ran; the unload was read from S3 in several files.
    expect(aws.targets().filter((target) => target.endsWith('StartQueryExecution'))).toHaveLength(3);
    expect(aws.executions.map((execution) => execution.sql.split('\n')[0])).toEqual(['CREATE DATABASE IF NOT EXISTS `denial_alerter`', 'CREATE EXTERNAL TABLE IF NOT EXISTS `denial_alerter`.`cloudtrail_organization` (', 'UNLOAD (']);
    const unloadKeys = [...aws.objects.keys()].filter((key) => key.startsWith('backtest-results/stratus/'));
    expect(unloadKeys).toHaveLength(3);
    // Query metadata goes beside the extract (a workgroup without a result location needs one), never inside it.
    const starts = aws.server.requests.filter((request) => request.headers['x-amz-target'] === 'AmazonAthena.StartQueryExecution').map((request) => JSON.parse(request.body));
    const runPrefix = /^backtest-results\/(stratus\/[^/]+\/)/.exec(unloadKeys[0]!)![1]!;
    for (const start of starts) expect(start.ResultConfiguration.OutputLocation).toBe(`s3://backtest-results/${runPrefix.replace(/\/$/, '-query/')}`);

    const fromAthena = jsonLines(result.stdout);
    const raw = await rawReplay((await dynamo.newTable()).tableName);
    expect(raw.status).toBe(0);
    const alertsOf = (lines: Array<Record<string, unknown>>) => lines.filter((line) => line.type === 'alert').map(verdict);
    expect(alertsOf(fromAthena)).toEqual(alertsOf(raw.lines));
    // The catalogue's blinding changes are extracted too (the timeline's real trail detonations), and alert first.
    expect(alertsOf(fromAthena).map((alert) => [alert.action, alert.count])).toEqual([
      ['cloudtrail:DeleteTrail', 1],
      ['cloudtrail:PutEventSelectors', 1],
      ['cloudtrail:StopLogging', 1],
      ['ec2:GetPasswordData', 29],
      ['ec2:DescribeInstanceAttribute', 14],
    ]);
    const athenaSummary = fromAthena.at(-1)!;
    const rawSummary = raw.lines.at(-1)!;
    expect(athenaSummary).toMatchObject({ type: 'summary', denials: rawSummary.denials, fingerprints: rawSummary.fingerprints, alerts: 5, unreadable: 0 });
    // Athena kept the denials and the successful policy changes of the "what changed" catalogue, nothing else.
    expect(changesInTimeline).toBeGreaterThan(0);
    expect(athenaSummary.records).toBe((rawSummary.denials as number) + changesInTimeline);
    expect(rawSummary.records).toBe(310);
  }, 120_000);

  it('splits a range over the partition limit into consecutive queries, and replays them to the same alerts', async () => {
    aws = await startLoopbackAws({ records: timeline });
    const perDay = accounts.length * regions.length;
    const table = await dynamo.newTable();
    const result = await athena(
      ['run', '--bucket', 'org-trail', '--organization-id', 'o-exampleorg', ...RANGE, '--accounts', accounts.join(','), '--regions', regions.join(','), '--no-create-table', '--output', 's3://backtest-results/split/',
        '--', '--json', '--no-progress', '--endpoint', dynamo.emulator().endpoint, '--table', table.tableName, '--dead-letter', join(workDir, 'split-dl.jsonl')],
      aws.url,
      { maxPartitionsPerQuery: perDay * 32 },
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^5 queries, one after the other/m);
    const unloads = aws.executions.filter((execution) => execution.sql.startsWith('UNLOAD'));
    expect(unloads).toHaveLength(5);
    // The parts are whole days, back to back, in order: every record is read once.
    const bounds = unloads.map((execution) => [/eventtime >= '([^']+)'/.exec(execution.sql)![1], /eventtime < '([^']+)'/.exec(execution.sql)![1]]);
    expect(bounds[0]![0]).toBe('2024-07-01T00:00:00Z');
    expect(bounds.at(-1)![1]).toBe('2024-12-01T00:00:00Z');
    for (let index = 1; index < bounds.length; index++) expect(bounds[index]![0]).toBe(bounds[index - 1]![1]);
    const lines = jsonLines(result.stdout);
    const raw = await rawReplay((await dynamo.newTable()).tableName);
    const alertsOf = (all: Array<Record<string, unknown>>) => all.filter((line) => line.type === 'alert').map(verdict);
    expect(alertsOf(lines)).toEqual(alertsOf(raw.lines));
    expect(lines.at(-1)).toMatchObject({ type: 'summary', denials: 51, records: 51 + changesInTimeline });
  }, 120_000);

  it('lists the organization\'s accounts when none are given, and copies the files with --out', async () => {
    aws = await startLoopbackAws({ records: timeline, accounts: [...accounts, '999999999999'] });
    const out = join(workDir, 'unloaded');
    // Three files and room for two open S3 bodies: the merge copies them locally first.
    const result = await athena(['run', '--bucket', 'org-trail', '--organization-id', 'o-exampleorg', ...RANGE, '--regions', regions.join(','), '--output', 's3://backtest-results/listed', '--no-create-table', '--out', out], aws.url, { maxOpenStreams: 2 });
    expect(result.stderr).toMatch(/3 files: copied to \S+ before merging them in time order/);
    expect(result.status).toBe(0);
    expect(aws.targets().filter((target) => target.endsWith('ListAccounts')).length).toBeGreaterThan(1);
    const unload = aws.executions.at(-1)!.sql;
    expect(unload).toContain(`AND account IN (${[...accounts, '999999999999'].map((id) => `'${id}'`).join(', ')})`);
    expect(aws.executions).toHaveLength(1);
    // The three sorted files UNLOAD wrote are merged into one file in event-time order.
    expect(readdirSync(out).filter((name) => /^extract-.*\.jsonl\.gz$/.test(name))).toHaveLength(1);
    let records = 0;
    let denied = 0;
    let previousTime = '';
    for await (const item of readRecords([out])) {
      expect(item.kind).toBe('record');
      if (item.kind === 'record') {
        records++;
        const time = String(item.record.eventTime);
        expect(time >= previousTime, `${time} after ${previousTime}`).toBe(true);
        previousTime = time;
        if (typeof item.record.errorCode === 'string' && typeof item.record.eventSource === 'string') denied++;
        else expect(catalogEntryOf(String(item.record.eventSource), String(item.record.eventName))).toBeDefined();
      }
    }
    expect(records).toBe(51 + changesInTimeline);
    expect(denied).toBe(51);
    // explain reads the unloaded rows as CloudTrail records: the same denials as the raw timeline, classified alike.
    const io = streams();
    expect(await main(['explain', '--json', out], { stdin: Readable.from([]), stdout: io.stdout, stderr: io.stderr, env: {} })).toBe(0);
    const explained = jsonLines(io.out()).filter((line) => line.denied);
    const rawDenials = timeline.map((record) => classify(record)).filter((denial) => denial.denied);
    const key = (denial: Record<string, unknown>) => `${String(denial.eventId)} ${String(denial.fingerprint)} ${String(denial.denyLayer)}`;
    expect(explained.map(key).sort()).toEqual(rawDenials.map((denial) => key(denial as unknown as Record<string, unknown>)).sort());
  });

  it('stops the query on Ctrl-C and reads nothing', async () => {
    aws = await startLoopbackAws({ records: timeline, behaviour: { hang: true } satisfies QueryBehaviour });
    const controller = new AbortController();
    const server = aws;
    const watcher = setInterval(() => {
      if (server.targets().some((target) => target.endsWith('GetQueryExecution'))) controller.abort();
    }, 5);
    const result = await athena(['run', '--bucket', 'org-trail', '--organization-id', 'o-exampleorg', ...RANGE, '--accounts', accounts.join(','), '--no-create-table', '--output', 's3://backtest-results/stopped/'], aws.url, { signal: controller.signal });
    clearInterval(watcher);
    expect(result.status).toBe(130);
    expect(aws.targets()).toContain('AmazonAthena.StopQueryExecution');
    expect(aws.executions[0]!.state).toBe('CANCELLED');
    expect(result.stderr).toMatch(/Stopped: Athena query q-1 CANCELLED after/);
    expect(aws.server.requests.some((request) => request.url.includes('list-type=2'))).toBe(false);
  });

  it('reports a failed query with Athena\'s reason, made safe for the terminal', async () => {
    aws = await startLoopbackAws({ records: timeline, behaviour: { finalState: 'FAILED', reason: 'HIVE_CURSOR_ERROR: \u001b[31mbad\u001b[0m row' } });
    const result = await athena(['run', '--bucket', 'org-trail', '--organization-id', 'o-exampleorg', ...RANGE, '--accounts', accounts.join(','), '--no-create-table', '--output', 's3://backtest-results/failed/'], aws.url);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Athena query q-1 FAILED: HIVE_CURSOR_ERROR/);
    expect(result.stderr).not.toContain('\u001b[31m');
  });

  it('refuses bad input before calling AWS', async () => {
    aws = await startLoopbackAws({ records: timeline });
    await expect(athena(['run', '--bucket', 'org-trail', '--organization-id', "o-x' OR 1=1", ...RANGE, '--accounts', accounts.join(',')], aws.url)).rejects.toThrow(/--organization-id/);
    await expect(athena(['run', '--bucket', 'org-trail', '--organization-id', 'o-exampleorg', '--since', 'last tuesday'], aws.url)).rejects.toThrow(/--since/);
    const manyAccounts = Array.from({ length: 100 }, (_, i) => String(100_000_000_000 + i)).join(',');
    // "sql" prints one query: over Athena's partition limit it says how to split ("run" splits by itself).
    await expect(athena(['sql', '--bucket', 'org-trail', '--organization-id', 'o-exampleorg', '--since', '2025-01-01', '--until', '2026-01-01', '--accounts', manyAccounts], aws.url)).rejects.toThrow(
      /100 account\(s\) x 36 Region\(s\) x the days asked for make 1317600 partitions; Athena reads at most 1000000 in one query: split the range into runs of at most 276 days/,
    );
    expect(aws.server.requests).toHaveLength(0);
    // Without --accounts and without the right to list them, it says what to give.
    await expect(athena(['run', '--bucket', 'org-trail', '--organization-id', 'o-exampleorg', ...RANGE, '--no-create-table'], aws.url)).rejects.toThrow(/give --accounts: the account ids of the organization could not be listed \(You don't have permissions/);
    expect(aws.targets()).toEqual(['AWSOrganizationsV20161128.ListAccounts']);
  });

  it('stops the query when the command gets SIGINT (Ctrl-C), through the real command line', async () => {
    aws = await startLoopbackAws({ records: timeline, behaviour: { hang: true } });
    const server = aws;
    const child = spawn(process.execPath, [BIN, 'athena', 'run', '--bucket', 'org-trail', '--organization-id', 'o-exampleorg', ...RANGE, '--accounts', accounts.join(','), '--no-create-table', '--output', 's3://backtest-results/sigint/'], {
      env: { ...process.env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_ATHENA: aws.url, AWS_ENDPOINT_URL_S3: aws.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const watcher = setInterval(() => {
      if (server.targets().includes('AmazonAthena.GetQueryExecution')) {
        clearInterval(watcher);
        child.kill('SIGINT');
      }
    }, 20);
    const code = await exited;
    clearInterval(watcher);
    expect(stderr).toMatch(/Stopped: Athena query q-1 CANCELLED/);
    expect(code).toBe(130);
    expect(aws.targets()).toContain('AmazonAthena.StopQueryExecution');
  }, 60_000);
});

describe('denial-alerter athena sql', () => {
  it('answers the command line of the issue: DDL and query for a bucket, an organization and a start day', async () => {
    const io = streams();
    const status = await main(['athena', 'sql', '--bucket', 'b', '--organization-id', 'o-abc', '--since', '2026-06-01'], { stdin: Readable.from([]), stdout: io.stdout, stderr: io.stderr, env: {} });
    expect(status).toBe(0);
    expect(io.out()).toMatch(/^-- 1\. The table/);
    expect(io.out()).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS');
    expect(io.out()).toMatch(/UNLOAD \(\n {2}SELECT\n[\s\S]*WHERE "timestamp" BETWEEN '2026\/06\/01' AND '\d{4}\/\d{2}\/\d{2}'[\s\S]*WITH \(format = 'JSON', compression = 'gzip'\);/);
  });

  it('prints a DDL and a query to paste, for just a bucket, an organization and a start day', async () => {
    const result = await athena(['sql', '--bucket', 'b', '--organization-id', 'o-abc', '--since', '2026-06-01', '--until', '2026-07-01'], 'http://127.0.0.1:9');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS `denial_alerter`.`cloudtrail_organization` (');
    expect(result.stdout).toContain("'storage.location.template'='s3://b/AWSLogs/o-abc/${account}/CloudTrail/${region}/${timestamp}'");
    expect(result.stdout).toMatch(/'projection.region.values'='af-south-1,[a-z0-9,-]*us-east-1,[a-z0-9,-]*us-west-2'/);
    expect(result.stdout).toContain(`WHERE "timestamp" BETWEEN '2026/06/01' AND '2026/07/01'`);
    expect(result.stdout).toContain("TO 's3://b/denial-alerter-backtest/2026-06-01_2026-07-01/'\nWITH (format = 'JSON', compression = 'gzip');");
    expect(result.stdout).toMatch(/eventsource = 'iam\.amazonaws\.com' AND eventname IN \([^)]*'PutRolePolicy'/);
    expect(result.stderr).toMatch(/fill the <ACCOUNT_IDS> placeholder/);
  });

  it('defaults to the Regions of AWS_REGION\'s partition (GovCloud, China), and names a Region of no partition', async () => {
    const args = ['sql', '--bucket', 'b', '--organization-id', 'o-abc', '--since', '2026-06-01', '--until', '2026-07-01'];
    expect((await athena(args, 'http://127.0.0.1:9', {}, 'us-gov-west-1')).stdout).toContain("'projection.region.values'='us-gov-east-1,us-gov-west-1'");
    expect((await athena(args, 'http://127.0.0.1:9', {}, 'cn-north-1')).stdout).toContain("'projection.region.values'='cn-north-1,cn-northwest-1'");
    await expect(athena(args, 'http://127.0.0.1:9', {}, 'mars-north-1')).rejects.toThrow(/AWS_REGION: "mars-north-1" is not a Region of any AWS partition/);
  });
});
