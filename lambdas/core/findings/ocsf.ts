/**
 * An alert as an OCSF 1.1.0 Detection Finding (class 2004, category 2 "Findings"), for a SIEM or a data lake
 * (Amazon Security Lake custom sources, Splunk, …).
 *
 * Schema: https://schema.ocsf.io/1.1.0/classes/detection_finding and the schema sources at tag v1.1.0 of
 * https://github.com/ocsf/ocsf-schema (`events/findings/finding.json`, `events/findings/detection_finding.json`,
 * `objects/finding_info.json`, `objects/evidences.json`, `objects/observable.json`, `objects/remediation.json`).
 * - `activity_id` 1 Create, 2 Update, 3 Close (finding.json); `type_uid` = `class_uid` × 100 + `activity_id`.
 * - `severity_id` 1 Informational … 5 Critical (base_event); `time` and the `*_time` attributes are `timestamp_t`
 *   (epoch milliseconds).
 * - `finding_info.uid` is the incident (the same across create, update and close), like the ASFF `Id`.
 * - The caller and the call are the finding's evidence (`evidences[].actor`, `.api`, `.src_endpoint`); the user agent,
 *   session name and error message, which have no evidence attribute in 1.1.0, are in `evidences[].data`.
 * - Observables: 2 IP Address, 10 Resource UID, 16 HTTP User-Agent, 99 Other (the principal ARN, with `type`).
 * Text is bounded by the same limits as the ASFF finding (`limits.ts`).
 */
import type { AlertSummary, Severity } from '../alert.js';
import { partitionOfArn } from '../resource-arn.js';
import { findingContent, type FindingContent } from './content.js';
import type { IncidentActivity, IncidentState } from './incident.js';
import { ASFF_LIMITS, fitLine, UNSTATED_TEXT_MAX } from './limits.js';

export const OCSF_VERSION = '1.1.0';
export const OCSF_DETECTION_FINDING = { class_uid: 2004, class_name: 'Detection Finding', category_uid: 2, category_name: 'Findings' } as const;

const ACTIVITY: Record<IncidentActivity, { id: 1 | 2 | 3; name: 'Create' | 'Update' | 'Close' }> = {
  create: { id: 1, name: 'Create' },
  update: { id: 2, name: 'Update' },
  close: { id: 3, name: 'Close' },
};

const SEVERITY: Record<Severity, { id: 1 | 2 | 3 | 4 | 5; name: string }> = {
  info: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

/** Observable type ids used (objects/observable.json). */
export const OBSERVABLE_TYPE = { ipAddress: 2, resourceUid: 10, userAgent: 16, other: 99 } as const;

export interface OcsfObservable {
  name: string;
  type_id: number;
  type?: string;
  value: string;
}

/** The Detection Finding this mapping writes. */
export interface OcsfDetectionFinding {
  activity_id: 1 | 2 | 3;
  activity_name: string;
  category_uid: 2;
  category_name: 'Findings';
  class_uid: 2004;
  class_name: 'Detection Finding';
  type_uid: number;
  type_name: string;
  severity_id: number;
  severity: string;
  /** 1 New while the incident is open; 99 Other (`status: Quiet`) once closed for quiet. */
  status_id: 1 | 99;
  status: string;
  time: number;
  message: string;
  metadata: { version: string; uid: string; correlation_uid: string; product: { name: string; vendor_name: string; version: string } };
  finding_info: {
    uid: string;
    title: string;
    desc: string;
    types: string[];
    created_time: number;
    first_seen_time: number;
    last_seen_time: number;
    modified_time: number;
    src_url?: string;
    analytic: { uid: string; name: string; type_id: 1; type: 'Rule' };
  };
  remediation: { desc: string; references: string[] };
  resources: Array<{ uid: string; type: string; cloud_partition?: string; region?: string }>;
  evidences: Array<{
    actor: { user: { uid: string; name?: string; type?: string; account?: { uid: string } } };
    api: { operation: string; service?: { name: string } };
    src_endpoint?: { ip: string };
    data: Record<string, string>;
  }>;
  observables: OcsfObservable[];
  unmapped: Record<string, string>;
}

/** Where and when a finding is written. */
export interface OcsfContext {
  incident: IncidentState;
  activity: IncidentActivity;
  /** Epoch ms of this finding event. */
  timeMs: number;
  /** The product's version (package.json). */
  productVersion: string;
}

/** An alert (the latest of its incident) as an OCSF Detection Finding. */
export function ocsfDetectionFinding(alert: AlertSummary, context: OcsfContext, content: FindingContent = findingContent(alert)): OcsfDetectionFinding {
  const activity = ACTIVITY[context.activity];
  const severity = SEVERITY[content.severity];
  const lastSeen = Date.parse(alert.lastSeen);
  const text = (value: string | null | undefined, max: number = UNSTATED_TEXT_MAX) => (value ? fitLine(value, max) : null);
  const principal = text(alert.principalArn);
  const ip = text(alert.sourceIps[0]?.value, 40);
  const userAgent = text(alert.userAgents[0]?.value);
  const observables: OcsfObservable[] = [];
  if (principal) observables.push({ name: 'evidences.actor.user.uid', type_id: OBSERVABLE_TYPE.other, type: 'AWS principal ARN', value: principal });
  if (ip) observables.push({ name: 'evidences.src_endpoint.ip', type_id: OBSERVABLE_TYPE.ipAddress, value: ip });
  if (userAgent) observables.push({ name: 'evidences.data.user_agent', type_id: OBSERVABLE_TYPE.userAgent, value: userAgent });
  const resources = ocsfResources(alert);
  for (const resource of resources) observables.push({ name: 'resources.uid', type_id: OBSERVABLE_TYPE.resourceUid, value: resource.uid });
  const data: Record<string, string> = {};
  if (userAgent) data.user_agent = userAgent;
  const session = text(alert.sessionNames[0]?.value);
  if (session) data.session_name = session;
  const message = content.facts.errorMessage ? text(content.facts.errorMessage, ASFF_LIMITS.description) : null;
  if (message) data.error_message = message;
  data.count = String(alert.count);
  const account = alert.accountId && /^\d{12}$/.test(alert.accountId) ? { uid: alert.accountId } : undefined;
  return {
    activity_id: activity.id,
    activity_name: activity.name,
    ...OCSF_DETECTION_FINDING,
    type_uid: OCSF_DETECTION_FINDING.class_uid * 100 + activity.id,
    type_name: `${OCSF_DETECTION_FINDING.class_name}: ${activity.name}`,
    severity_id: severity.id,
    severity: severity.name,
    status_id: context.activity === 'close' ? 99 : 1,
    status: context.activity === 'close' ? 'Quiet' : 'New',
    time: context.timeMs,
    message: content.title,
    metadata: {
      version: OCSF_VERSION,
      uid: fitLine(`${alert.alertId}/${context.activity}`, ASFF_LIMITS.id),
      correlation_uid: fitLine(context.incident.incidentId, ASFF_LIMITS.id),
      product: { name: 'Denial Alerter', vendor_name: 'Denial Alerter', version: context.productVersion },
    },
    finding_info: {
      uid: fitLine(`denial-alerter/incident/${context.incident.incidentId}`, ASFF_LIMITS.id),
      title: content.title,
      desc: content.description,
      types: [`denial-alerter/${content.rule}`, `reason/${alert.reason}`],
      created_time: context.incident.openedAtMs,
      first_seen_time: context.incident.openedAtMs,
      last_seen_time: Number.isFinite(lastSeen) ? lastSeen : context.timeMs,
      modified_time: context.timeMs,
      ...(content.sourceUrl ? { src_url: fitLine(content.sourceUrl, UNSTATED_TEXT_MAX) } : {}),
      analytic: { uid: `denial-alerter/${content.rule}`, name: `Denial Alerter ${content.rule} rule`, type_id: 1, type: 'Rule' },
    },
    remediation: { desc: content.recommendation.text, references: [content.recommendation.url] },
    resources,
    evidences: [
      {
        actor: { user: { uid: principal ?? '(unknown)', ...(alert.principalType ? { type: fitLine(alert.principalType, 128) } : {}), ...(account ? { account } : {}) } },
        api: { operation: fitLine(alert.action, 256), ...(alert.eventSource ? { service: { name: fitLine(alert.eventSource, 256) } } : {}) },
        ...(ip ? { src_endpoint: { ip } } : {}),
        data,
      },
    ],
    observables,
    unmapped: {
      fingerprint: alert.fingerprint,
      deny_layer: alert.denyLayer,
      deny_kind: alert.denyKind,
      ...(alert.policyArn ? { policy_arn: fitLine(alert.policyArn, UNSTATED_TEXT_MAX) } : {}),
    },
  };
}

/** The denied resource and the window's other denied resources (at most 32, as in ASFF). */
function ocsfResources(alert: AlertSummary): OcsfDetectionFinding['resources'] {
  const out: OcsfDetectionFinding['resources'] = [];
  const seen = new Set<string>();
  for (const arn of [alert.resource, ...(alert.window?.resources.top ?? []).map((top) => top.value)]) {
    if (!arn || arn === '(unknown)' || out.length >= ASFF_LIMITS.resources) continue;
    const uid = fitLine(arn, UNSTATED_TEXT_MAX);
    if (seen.has(uid)) continue;
    seen.add(uid);
    const parts = arn.split(':');
    const partition = partitionOfArn(arn);
    out.push({
      uid,
      type: fitLine(parts[2] ? `${parts[2]}${parts[5]?.includes('/') ? `/${parts[5].split('/')[0]}` : ''}` : 'unknown', 128),
      ...(partition ? { cloud_partition: fitLine(partition, 32) } : {}),
      ...(parts[3] && /^[a-z0-9-]{1,32}$/.test(parts[3]) ? { region: parts[3] } : {}),
    });
  }
  return out;
}
