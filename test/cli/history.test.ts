/**
 * `history` against a real DynamoDB Local: the default window shows old replayed logs, session ARNs and
 * case-insensitive wildcard actions find what CloudTrail's own names point at, the table fits the terminal, and an
 * empty answer names the stored time range.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { readJsonl, STRATUS_ALL_EVENTS } from '../support/corpus.js';
import { syntheticBurst } from '../support/records.js';
import { fakeTerminal, runCli } from './run-cli.js';

const BIN = fileURLToPath(new URL('../../bin/denial-alerter.mjs', import.meta.url));
const dynamo = useDynamoDbLocal();
const work = mkdtempSync(join(tmpdir(), 'denial-history-'));
let target: string[];
let table: string[];
const ROLE = 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role';
const stratus = readJsonl(STRATUS_ALL_EVENTS.split('/corpus/')[1]!);
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

beforeAll(async () => {
  const { tableName } = await dynamo.newTable();
  table = ['--endpoint', dynamo.emulator().endpoint, '--table', tableName];
  target = [...table, '--since', '2024-07-01', '--until', '2024-09-01'];
  // A role with a path: its session ARN (what CloudTrail's userIdentity.arn shows) has no path.
  const pathed = syntheticBurst(3, Date.parse('2024-07-31T10:00:00Z'), 1).map((record) => {
    const identity = record.userIdentity as { sessionContext: { sessionIssuer: { arn: string } } };
    identity.sessionContext.sessionIssuer.arn = 'arn:aws:iam::111122223333:role/team/ci/ci-deployer';
    return record;
  });
  const file = join(work, 'pathed.jsonl');
  writeFileSync(file, pathed.map((record) => JSON.stringify(record)).join('\n'));
  const replayed = await runCli(['replay', '--json', ...table, '--dead-letter', join(work, 'dl.jsonl'), STRATUS_ALL_EVENTS, file]);
  expect(replayed.status).toBe(0);
}, 120_000);

describe('denial-alerter history', () => {
  it('lists the window newest first', async () => {
    const result = await runCli(['history', '--json', '--limit', '1000', ...target]);
    expect(result.status).toBe(0);
    expect(result.lines()).toHaveLength(54);
    const times = result.lines().map((line) => line.eventTime);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('--principal with a session ARN finds its role, also a role with a path', async () => {
    const session = stratus.find((record) => record.errorCode && String((record.userIdentity as { arn?: string })?.arn).includes('ec2-get-password-data-role'))!;
    const sessionArn = (session.userIdentity as { arn: string }).arn;
    expect(sessionArn).toMatch(/^arn:aws:sts::457448411975:assumed-role\//);
    const byRole = await runCli(['history', '--json', '--limit', '1000', '--principal', ROLE, ...target]);
    const bySession = await runCli(['history', '--json', '--limit', '1000', '--principal', sessionArn, ...target]);
    expect(bySession.lines().length).toBeGreaterThan(0);
    expect(bySession.lines()).toEqual(byRole.lines());
    expect(bySession.stderr).toMatch(/a session ARN: showing denials of its role arn:aws:iam::457448411975:role\/stratus-red-team-ec2-get-password-data-role/);
    const pathed = await runCli(['history', '--json', '--principal', 'arn:aws:sts::111122223333:assumed-role/ci-deployer/job-42', ...target]);
    expect(pathed.lines().map((line) => line.principalArn)).toEqual(Array(3).fill('arn:aws:iam::111122223333:role/team/ci/ci-deployer'));
  });

  it('--action is case-insensitive and takes wildcards', async () => {
    const exact = await runCli(['history', '--json', '--limit', '1000', '--action', 'ec2:GetPasswordData', ...target]);
    expect(exact.lines().length).toBeGreaterThanOrEqual(29);
    expect(exact.lines().every((line) => line.action === 'ec2:GetPasswordData')).toBe(true);
    const shouted = await runCli(['history', '--json', '--limit', '1000', '--action', 'EC2:GETPASSWORDDATA', ...target]);
    expect(shouted.lines()).toEqual(exact.lines());
    const prefix = await runCli(['history', '--json', '--limit', '1000', '--action', 'EC2:GetPassword*', ...target]);
    expect(prefix.lines()).toEqual(exact.lines());
    const service = await runCli(['history', '--json', '--limit', '1000', '--action', 'ec2:*', ...target]);
    const actions = service.lines().map((line) => line.action);
    expect(actions.length).toBeGreaterThan(29);
    expect(actions.every((action: string) => action.startsWith('ec2:'))).toBe(true);
    const combined = await runCli(['history', '--json', '--limit', '1000', '--action', 'ec2:*', '--principal', ROLE, ...target]);
    expect(combined.lines().every((line) => line.principalArn === ROLE && line.action.startsWith('ec2:'))).toBe(true);
  });

  it('fits an 80-column terminal, shortening long ARNs in the middle', async () => {
    for (const columns of [60, 80, 120]) {
      const stdout = fakeTerminal(columns);
      const result = await runCli(['history', '--limit', '20', ...target], { stdout });
      const lines = stripAnsi(result.stdout).trimEnd().split('\n');
      expect(lines.length).toBe(21);
      for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(columns);
      expect(lines[0]).toMatch(columns >= 120 ? /^time \(UTC\)\s+principal\s+action\s+resource\s+layer\s+source IP$/ : columns >= 80 ? /^time \(UTC\)\s+principal\s+action\s+resource$/ : /^time \(UTC\)\s+principal\s+action$/);
      if (columns >= 80) expect(stripAnsi(result.stdout)).toMatch(/ arn:aws:iam[^ ]*…[^ ]*-role /);
    }
  });

  it('for a table elsewhere, the default window is the last 7 days, and an empty answer says how to look further back', async () => {
    const result = await runCli(['history', ...table]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/No denials match from \S+ to \S+ in table .* look further back with --since/);
  });

  it('right after npm start\'s replay, history shows its 2024 data without flags, and names its range when nothing matches', async () => {
    // What package.json "scripts.start" runs, in a directory of its own.
    const project = join(work, 'project');
    mkdirSync(project);
    const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const start = cli(['replay', '--data-dir', '.denial-alerter/sample', '--fresh', '--dead-letter', 'dl.jsonl', STRATUS_ALL_EVENTS]);
    expect(start.status).toBe(0);
    expect(start.stderr).toMatch(/^Starting DynamoDB Local \(Java\) to hold denials and alert state; --endpoint URL or --table NAME use an existing table instead$/m);
    expect(start.stderr).toMatch(/Kept in .denial-alerter\/sample: "npx denial-alerter history --data-dir .denial-alerter\/sample" lists these denials/);
    const shown = cli(['history', '--json', '--limit', '1000']);
    expect(shown.status).toBe(0);
    expect(shown.stderr).toMatch(/Reading the data "npm start" kept in .denial-alerter\/sample/);
    expect(shown.stdout.trim().split('\n')).toHaveLength(51);
    const none = cli(['history', '--data-dir', '.denial-alerter/sample', '--action', 's3:*']);
    expect(none.stderr).toMatch(/No denials match from 2024-07-30T\S+ to \S+\. The replays stored here hold events from 2024-07-30T\S+ to \S+: widen --since\/--until \(e\.g\. --since 2024-07-30\)/);
  }, 240_000);
});
