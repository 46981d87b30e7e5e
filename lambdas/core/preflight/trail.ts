/**
 * Preflight: is there a CloudTrail trail that logs management events (read and write) and covers this Region?
 *
 * "To record events with a detail-type value of AWS API Call via CloudTrail, a CloudTrail trail with logging enabled
 * is required." (EventBridge user guide, "Events from AWS services",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html). Read-only management events
 * (Get, List, Describe) reach a rule only when the trail records them and the rule's state is
 * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html),
 * which the stack's rules set (`lib/constructs/denial-rule.ts`).
 *
 * A trail covers a Region when it is multi-Region or its home Region is that Region; an organization trail appears in
 * every member account's DescribeTrails (CloudTrail user guide, "Creating a trail for an organization").
 */
import { uncheckedResult, type CallFailure, type CheckResult } from './checklist.js';

/** A basic event selector, as GetEventSelectors returns it (`ReadWriteType` defaults to All, management events to included). */
export interface BasicEventSelector {
  readonly ReadWriteType?: string;
  readonly IncludeManagementEvents?: boolean;
  readonly ExcludeManagementEventSources?: readonly string[];
}

/** An advanced event selector, as GetEventSelectors returns it. */
export interface AdvancedEventSelector {
  readonly Name?: string;
  readonly FieldSelectors?: ReadonlyArray<{ readonly Field?: string; readonly Equals?: readonly string[]; readonly NotEquals?: readonly string[] }>;
}

/** Which management events a trail's selectors record. */
export interface ManagementCoverage {
  readonly read: boolean;
  readonly write: boolean;
  /** Event sources left out (`ExcludeManagementEventSources`, or an advanced selector's eventSource filter), if any. */
  readonly limitedTo?: string;
}

/** One trail as preflight saw it. */
export interface TrailFacts {
  readonly name: string;
  readonly homeRegion: string;
  readonly multiRegion: boolean;
  readonly organizationTrail: boolean;
  /** GetTrailStatus `IsLogging`, or why it could not be read. */
  readonly logging: boolean | CallFailure;
  /** From GetEventSelectors, or why they could not be read. */
  readonly management: ManagementCoverage | CallFailure;
}

const ID = 'trail';
const TITLE = 'CloudTrail trail';

/**
 * The management events that basic or advanced selectors record (CloudTrail API reference, `EventSelector` and
 * `AdvancedFieldSelector`: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html,
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html).
 */
export function managementCoverage(selectors: { basic?: readonly BasicEventSelector[]; advanced?: readonly AdvancedEventSelector[] }): ManagementCoverage {
  let read = false;
  let write = false;
  const limits: string[] = [];
  for (const selector of selectors.basic ?? []) {
    if (selector.IncludeManagementEvents === false) continue;
    const type = selector.ReadWriteType ?? 'All';
    if (type === 'All' || type === 'ReadOnly') read = true;
    if (type === 'All' || type === 'WriteOnly') write = true;
    if (selector.ExcludeManagementEventSources?.length) limits.push(`all but ${selector.ExcludeManagementEventSources.join(', ')}`);
  }
  for (const selector of selectors.advanced ?? []) {
    const fields = selector.FieldSelectors ?? [];
    const field = (name: string) => fields.find((candidate) => candidate.Field === name);
    if (!field('eventCategory')?.Equals?.includes('Management')) continue;
    const readOnly = field('readOnly');
    const onlyReads = readOnly?.Equals?.includes('true') || readOnly?.NotEquals?.includes('false');
    const onlyWrites = readOnly?.Equals?.includes('false') || readOnly?.NotEquals?.includes('true');
    if (!onlyWrites) read = true;
    if (!onlyReads) write = true;
    const source = field('eventSource');
    if (source?.Equals?.length) limits.push(`only ${source.Equals.join(', ')}`);
    else if (source?.NotEquals?.length) limits.push(`all but ${source.NotEquals.join(', ')}`);
  }
  return { read, write, ...(limits.length ? { limitedTo: limits.join('; ') } : {}) };
}

const isFailure = (value: unknown): value is CallFailure => typeof value === 'object' && value !== null && 'kind' in value && 'permission' in value;

function describe(trail: TrailFacts): string {
  return `"${trail.name}" (${[trail.organizationTrail ? 'organization' : '', trail.multiRegion ? 'multi-Region' : `home Region ${trail.homeRegion}`].filter(Boolean).join(', ')})`;
}

/** Judges the trails of the account for `region`; `listFailure` when DescribeTrails itself failed. */
export function judgeTrails(region: string, trails: readonly TrailFacts[] | CallFailure): CheckResult {
  if (isFailure(trails)) return uncheckedResult(ID, TITLE, trails);
  const noEvents = 'without one EventBridge receives no "AWS API Call via CloudTrail" events ("a CloudTrail trail with logging enabled is required", EventBridge user guide)';
  const createOne = 'deploy with -c createTrail=true (a multi-Region trail of read and write management events), or ask for an organization trail';
  if (trails.length === 0) return { id: ID, title: TITLE, verdict: 'fail', detail: `no trail in this account: ${noEvents}`, fix: createOne };
  const covering = trails.filter((trail) => trail.multiRegion || trail.homeRegion === region);
  if (covering.length === 0) {
    return {
      id: ID,
      title: TITLE,
      verdict: 'fail',
      detail: `no trail covers ${region}: ${trails.map(describe).join(', ')}; ${noEvents}`,
      fix: `make a trail multi-Region (aws cloudtrail update-trail --name ${trails[0]!.name} --is-multi-region-trail), or ${createOne}`,
    };
  }
  const logging = covering.filter((trail) => trail.logging === true);
  if (logging.length === 0) {
    const unknown = covering.find((trail) => isFailure(trail.logging));
    if (unknown && isFailure(unknown.logging)) return uncheckedResult(ID, TITLE, unknown.logging);
    return {
      id: ID,
      title: TITLE,
      verdict: 'fail',
      detail: `${covering.map(describe).join(', ')} ${covering.length > 1 ? 'cover' : 'covers'} ${region} but ${covering.length > 1 ? 'none is' : 'is not'} logging; ${noEvents}`,
      fix: `aws cloudtrail start-logging --region ${covering[0]!.homeRegion} --name ${covering[0]!.name} (a trail is started in its home Region)`,
    };
  }
  const judged = logging.map((trail) => ({ trail, coverage: trail.management }));
  const full = judged.find(({ coverage }) => !isFailure(coverage) && coverage.read && coverage.write && !coverage.limitedTo);
  if (full) {
    return {
      id: ID,
      title: TITLE,
      verdict: 'pass',
      detail: `${describe(full.trail)} is logging read and write management events in ${region}; the stack's rules take read-only events too (state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS)`,
    };
  }
  const known = judged.filter((entry): entry is { trail: TrailFacts; coverage: ManagementCoverage } => !isFailure(entry.coverage));
  if (known.length === 0) return uncheckedResult(ID, TITLE, judged[0]!.coverage as CallFailure);
  const partial = known.find(({ coverage }) => coverage.read || coverage.write);
  const selectorsFix = (name: string) =>
    `record read and write management events: aws cloudtrail put-event-selectors --trail-name ${name} --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]' (or an advanced selector eventCategory = Management without a readOnly or eventSource filter)`;
  if (!partial) {
    return {
      id: ID,
      title: TITLE,
      verdict: 'fail',
      detail: `${known.map(({ trail }) => describe(trail)).join(', ')} ${known.length > 1 ? 'log' : 'logs'} no management events: denials of API calls never reach EventBridge`,
      fix: selectorsFix(known[0]!.trail.name),
    };
  }
  const { trail, coverage } = partial;
  const missing = [
    !coverage.read ? 'read-only management events (Get, List, Describe denials are never seen)' : '',
    !coverage.write ? 'write management events (denied changes are never seen)' : '',
    coverage.limitedTo ? `management events of every service (it records ${coverage.limitedTo})` : '',
  ].filter(Boolean);
  return { id: ID, title: TITLE, verdict: 'warn', detail: `${describe(trail)} is logging, but without ${missing.join(', nor ')}`, fix: selectorsFix(trail.name) };
}
