/**
 * The EventBridge patterns of the "what changed" rules: successful CloudTrail calls that change an authorization layer,
 * derived from the change catalogue (`lambdas/core/changes/catalog.ts`), so that the rules and the extractor cannot
 * drift apart. Pure, so tests can check them against the corpus.
 *
 * - `source` has the `aws.` prefix, which only AWS services can send (PutEvents refuses it).
 * - `errorCode` must be absent: a failed call changed nothing.
 * - One `$or` branch per event source, naming its event names; SQS and SNS attribute calls only for `Policy`, and
 *   `ModifyVpcEndpoint` only with a policy document or `ResetPolicy` (both CloudTrail parameter shapes).
 * - The branches are packed into as many patterns (one rule each) as it takes to keep every pattern within
 *   EventBridge's default "Event pattern size" quota: {@link changeEventPatterns}.
 */
import { CHANGE_CATALOG, type ChangeCatalogEntry } from '../lambdas/core/changes/catalog.js';
import { AWS_LIMITS } from './limits/aws-limits.js';

/**
 * EventBridge's default limit on a pattern's length, in characters of the pattern as CloudFormation sends it (compact
 * JSON). 2,048 by default; 4,096 only after a Service Quotas increase, which an ordinary account has not asked for.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html ("Event pattern size").
 */
export const MAX_EVENT_PATTERN_CHARS = AWS_LIMITS.eventPatternSize.max;

/** The conditions of the catalogue as pattern fragments of `detail`. */
function conditionBranches(entry: ChangeCatalogEntry): Array<Record<string, unknown>> {
  const names = { eventName: [...entry.eventNames] };
  switch (entry.condition) {
    case 'sqs-policy-attribute':
      return [{ ...names, requestParameters: { attributes: { Policy: [{ exists: true }] } } }];
    case 'sns-policy-attribute':
      return [{ ...names, requestParameters: { attributeName: ['Policy'] } }];
    case 'vpc-endpoint-policy':
      return [
        { ...names, requestParameters: { ModifyVpcEndpointRequest: { PolicyDocument: [{ exists: true }] } } },
        { ...names, requestParameters: { ModifyVpcEndpointRequest: { ResetPolicy: [true, 'true'] } } },
        { ...names, requestParameters: { PolicyDocument: [{ exists: true }] } },
        { ...names, requestParameters: { ResetPolicy: [true, 'true'] } },
      ];
    // Broad on purpose, decided in core (lambdas/core/blinding/trail-settings.ts): a pattern cannot say "no selector
    // keeps management events", and branches per parameter would cost ~600 of the 2,048 characters a pattern may
    // hold (EventBridge user guide, "Amazon EventBridge quotas") for calls made a few times a year: the event names
    // join the source's plain list.
    case 'trail-narrowing':
    case 'event-selectors-narrowing':
      return [];
    default:
      return [];
  }
}

/** The alternatives of `detail` (one per event source, plus one per condition branch), in catalogue order. */
export function changeBranches(): Array<Record<string, unknown>> {
  const plainNames = new Map<string, string[]>();
  const conditional = new Map<string, Array<Record<string, unknown>>>();
  for (const entry of CHANGE_CATALOG) {
    const branches = conditionBranches(entry);
    if (branches.length > 0) conditional.set(entry.eventSource, [...(conditional.get(entry.eventSource) ?? []), ...branches]);
    else plainNames.set(entry.eventSource, [...(plainNames.get(entry.eventSource) ?? []), ...entry.eventNames]);
  }
  const sources = [...new Set([...plainNames.keys(), ...conditional.keys()])];
  return sources.flatMap((eventSource) => {
    const names = plainNames.get(eventSource);
    return [
      ...(names ? [{ eventSource: [eventSource], eventName: [...new Set(names)].sort() }] : []),
      ...(conditional.get(eventSource) ?? []).map((branch) => ({ eventSource: [eventSource], ...branch })),
    ];
  });
}

/** A pattern over some branches: `$or` for two or more, the branch itself inside `detail` for one. */
function patternOf(branches: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  return {
    source: [{ prefix: 'aws.' }],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: branches.length === 1 ? { errorCode: [{ exists: false }], ...branches[0] } : { errorCode: [{ exists: false }], $or: [...branches] },
  };
}

/**
 * The single pattern of every branch: what the change events are, regardless of EventBridge's size quota (too large
 * for one rule: deploy {@link changeEventPatterns}). The reference the shards are tested against.
 */
export function changeEventPattern(): Record<string, unknown> {
  return patternOf(changeBranches());
}

const sizeOf = (pattern: Record<string, unknown>): number => JSON.stringify(pattern).length;

/**
 * A branch that alone makes a pattern too large, split on its `eventName` list (the names are alternatives, so the
 * halves together match what the whole did).
 */
function fitting(branch: Record<string, unknown>, max: number): Array<Record<string, unknown>> {
  if (sizeOf(patternOf([branch])) <= max) return [branch];
  const names = branch.eventName;
  if (!Array.isArray(names) || names.length < 2) {
    throw new Error(`change pattern: the branch ${JSON.stringify(branch)} alone exceeds EventBridge's ${max}-character event pattern size (${AWS_LIMITS.eventPatternSize.source})`);
  }
  const half = Math.ceil(names.length / 2);
  return [...fitting({ ...branch, eventName: names.slice(0, half) }, max), ...fitting({ ...branch, eventName: names.slice(half) }, max)];
}

/**
 * The patterns of the "what changed" rules: the branches of {@link changeEventPattern} packed in catalogue order into
 * as few patterns as fit, each at most `max` characters as compact JSON. Together they match exactly the events the
 * single pattern matches: each event matches the single pattern when it matches one branch, and every branch (or, for
 * a branch split by event name, every one of its names) is in exactly one shard.
 */
export function changeEventPatterns(max: number = MAX_EVENT_PATTERN_CHARS): Array<Record<string, unknown>> {
  const shards: Array<Array<Record<string, unknown>>> = [];
  for (const branch of changeBranches().flatMap((whole) => fitting(whole, max))) {
    const last = shards.at(-1);
    if (last && sizeOf(patternOf([...last, branch])) <= max) last.push(branch);
    else shards.push([branch]);
  }
  return shards.map(patternOf);
}
