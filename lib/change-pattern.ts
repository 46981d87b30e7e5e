/**
 * The EventBridge pattern of the second rule: successful CloudTrail calls that change an authorization layer ("what
 * changed"), derived from the change catalogue (`lambdas/core/changes/catalog.ts`), so that the rule and the
 * extractor cannot drift apart. Pure, so tests can check it against the corpus.
 *
 * - `source` has the `aws.` prefix, which only AWS services can send (PutEvents refuses it).
 * - `errorCode` must be absent: a failed call changed nothing.
 * - One `$or` branch per event source, naming its event names; SQS and SNS attribute calls only for `Policy`, and
 *   `ModifyVpcEndpoint` only with a policy document or `ResetPolicy` (both CloudTrail parameter shapes).
 */
import { CHANGE_CATALOG, type ChangeCatalogEntry } from '../lambdas/core/changes/catalog.js';

/** EventBridge's limit on a pattern's length. */
export const MAX_EVENT_PATTERN_CHARS = 4096;

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

/** The rule's event pattern. */
export function changeEventPattern(): Record<string, unknown> {
  const plainNames = new Map<string, string[]>();
  const conditional = new Map<string, Array<Record<string, unknown>>>();
  for (const entry of CHANGE_CATALOG) {
    const branches = conditionBranches(entry);
    if (branches.length > 0) conditional.set(entry.eventSource, [...(conditional.get(entry.eventSource) ?? []), ...branches]);
    else plainNames.set(entry.eventSource, [...(plainNames.get(entry.eventSource) ?? []), ...entry.eventNames]);
  }
  const sources = [...new Set([...plainNames.keys(), ...conditional.keys()])];
  const branches = sources.flatMap((eventSource) => {
    const names = plainNames.get(eventSource);
    return [
      ...(names ? [{ eventSource: [eventSource], eventName: [...new Set(names)].sort() }] : []),
      ...(conditional.get(eventSource) ?? []).map((branch) => ({ eventSource: [eventSource], ...branch })),
    ];
  });
  return {
    source: [{ prefix: 'aws.' }],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      errorCode: [{ exists: false }],
      $or: branches,
    },
  };
}
