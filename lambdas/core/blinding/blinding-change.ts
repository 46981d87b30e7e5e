/**
 * Which successful calls blind the alerter, and how to undo each: the decision behind the catalogue's `blinding`
 * rows (`core/changes/catalog.ts`). Pure: the record and the alerter's own resource names in, a verdict out.
 *
 * - CloudTrail `StopLogging` and `DeleteTrail` always blind (no trail, no events: EventBridge user guide, "Events from
 *   AWS services"); `UpdateTrail` and `PutEventSelectors` when they narrow the trail (`trail-settings.ts`).
 * - EventBridge rule calls, bus permissions, Lambda event-source mappings and KMS keys only on the alerter's own
 *   resources (`own-resources.ts`). A `PutRule` blinds when it disables the rule or replaces its pattern.
 * - CloudFormation StackSet deletions and updates of the alerter's StackSet, unless CloudFormation itself made the
 *   call (the record's `invokedBy`/`sourceIPAddress` is `cloudformation.amazonaws.com`: the alerter's own deployment
 *   updating its StackSet resource). The same exemption covers the alerter's rules, mapping and keys.
 * - Organizations `LeaveOrganization` / `RemoveAccountFromOrganization` always (the account leaves the StackSet's
 *   coverage, and its forwarder with it).
 */
import { shellQuote } from '../render/least-privilege.js';
import { textOf } from '../text.js';
import type { CloudTrailRecord } from '../types.js';
import { catalogEntryOf } from '../changes/catalog.js';
import { isOwn, type AlerterResources } from './own-resources.js';
import { eventSelectorNarrowings, trailNarrowings } from './trail-settings.js';

/** What was blinded. */
export type BlindingKind = 'trail' | 'event-selectors' | 'rule' | 'bus-policy' | 'stack-set' | 'organization' | 'event-source-mapping' | 'key';

/** A blinding change: what it did, to what, and the command that undoes it. */
export interface Blinding {
  kind: BlindingKind;
  /** One sentence: what the alerter no longer sees (untrusted names inside: renderers escape it). */
  effect: string;
  /** The trail, rule, bus, StackSet, mapping, key or account touched. */
  target: string | null;
  /** The AWS CLI command that undoes it (values shell-quoted), or the step to take when no single call does. */
  undo: string;
}

type Params = Record<string, unknown>;

/** ATT&CK's technique for this family of changes. */
export const BLINDING_TECHNIQUE = 'MITRE ATT&CK T1562.008 (Impair Defenses: Disable or Modify Cloud Logs)';

const REDEPLOY = 'redeploy the alerter (npx cdk deploy --all), which restores its rules, targets, bus policy and event-source mapping as deployed';

/** True when CloudFormation made the call on a stack's behalf (the alerter's own deployment). */
function byCloudFormation(record: CloudTrailRecord): boolean {
  const invokedBy = (record.userIdentity as { invokedBy?: unknown } | undefined)?.invokedBy;
  return invokedBy === 'cloudformation.amazonaws.com' || record.sourceIPAddress === 'cloudformation.amazonaws.com';
}

/** The blinding a successful record makes, or null (not a blinding call, not the alerter's resource, or failed). */
export function blindingOf(record: CloudTrailRecord, own: AlerterResources): Blinding | null {
  const entry = catalogEntryOf(record.eventSource, record.eventName);
  if (!entry?.blinding || record.errorCode) return null;
  const params: Params = (record.requestParameters as Params | null | undefined) ?? {};
  const region = textOf(record.awsRegion);
  const inRegion = region ? ` --region ${shellQuote(region)}` : '';
  const name = (...keys: string[]): string | null => keys.map((key) => textOf(params[key])).find((value) => value !== null) ?? null;
  switch (`${entry.eventSource.split('.')[0]}:${entry.action.split(':')[1]}`) {
    case 'cloudtrail:StopLogging': {
      const trail = name('name');
      return { kind: 'trail', effect: `CloudTrail logging stopped on trail ${trail ?? '(unnamed)'}: no event of this account and Region reaches the alerter`, target: trail, undo: `aws cloudtrail start-logging --name ${shellQuote(trail ?? 'TRAIL')}${inRegion}` };
    }
    case 'cloudtrail:DeleteTrail': {
      const trail = name('name');
      return {
        kind: 'trail',
        effect: `trail ${trail ?? '(unnamed)'} deleted: its events no longer reach the alerter`,
        target: trail,
        undo: `aws cloudtrail create-trail --name ${shellQuote(lastSegment(trail ?? 'TRAIL'))} --s3-bucket-name BUCKET --is-multi-region-trail --include-global-service-events${inRegion} && aws cloudtrail start-logging --name ${shellQuote(lastSegment(trail ?? 'TRAIL'))}${inRegion}`,
      };
    }
    case 'cloudtrail:UpdateTrail': {
      const reasons = trailNarrowings(params);
      if (reasons.length === 0) return null;
      const trail = name('name');
      return { kind: 'trail', effect: `trail ${trail ?? '(unnamed)'} narrowed: ${reasons.join('; ')}`, target: trail, undo: `aws cloudtrail update-trail --name ${shellQuote(trail ?? 'TRAIL')} --is-multi-region-trail --include-global-service-events --s3-bucket-name PREVIOUS_BUCKET${inRegion}` };
    }
    case 'cloudtrail:PutEventSelectors': {
      const reasons = eventSelectorNarrowings(params);
      if (reasons.length === 0) return null;
      const trail = name('trailName');
      return {
        kind: 'event-selectors',
        effect: `trail ${trail ?? '(unnamed)'} selectors changed: ${reasons.join('; ')}`,
        target: trail,
        undo: `aws cloudtrail put-event-selectors --trail-name ${shellQuote(trail ?? 'TRAIL')} --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'${inRegion} (add back the trail's data-event selectors)`,
      };
    }
    case 'events:DisableRule':
    case 'events:DeleteRule':
    case 'events:RemoveTargets':
    case 'events:PutRule': {
      const rule = name('name', 'rule');
      if (!isOwn(rule, own.ruleNames) || byCloudFormation(record)) return null;
      const bus = name('eventBusName');
      const onBus = bus ? ` --event-bus-name ${shellQuote(bus)}` : '';
      if (record.eventName === 'PutRule') {
        const disabled = params.state === 'DISABLED';
        if (!disabled && params.eventPattern === undefined) return null;
        return { kind: 'rule', effect: `the alerter's rule ${rule} ${disabled ? 'disabled' : 'given another event pattern'}`, target: rule, undo: disabled ? `aws events enable-rule --name ${shellQuote(rule!)}${onBus}${inRegion}` : REDEPLOY };
      }
      if (record.eventName === 'DisableRule') {
        return { kind: 'rule', effect: `the alerter's rule ${rule} disabled: its events are dropped`, target: rule, undo: `aws events enable-rule --name ${shellQuote(rule!)}${onBus}${inRegion}` };
      }
      return { kind: 'rule', effect: `the alerter's rule ${rule} ${record.eventName === 'DeleteRule' ? 'deleted' : 'lost its targets'}: its events go nowhere`, target: rule, undo: REDEPLOY };
    }
    case 'events:PutPermission':
    case 'events:RemovePermission': {
      const bus = name('eventBusName') ?? 'default';
      if (!isOwn(bus, own.busNames) || byCloudFormation(record)) return null;
      // Adding a statement only admits more; a `policy` parameter replaces the whole bus policy.
      if (record.eventName === 'PutPermission' && params.policy === undefined) return null;
      return { kind: 'bus-policy', effect: `the alerter's bus ${bus} policy ${record.eventName === 'RemovePermission' ? 'lost a statement' : 'replaced'}: forwarders may be refused`, target: bus, undo: REDEPLOY };
    }
    case 'cloudformation:DeleteStackInstances':
    case 'cloudformation:UpdateStackSet':
    case 'cloudformation:DeleteStackSet': {
      const stackSet = name('stackSetName');
      if (!isOwn(stackSet, own.stackSetNames) || byCloudFormation(record)) return null;
      const accounts = Array.isArray(params.accounts) ? (params.accounts as unknown[]).join(',') : '';
      const regions = Array.isArray(params.regions) ? (params.regions as unknown[]).join(' ') : '';
      return {
        kind: 'stack-set',
        effect: `the alerter's StackSet ${stackSet} ${record.eventName === 'UpdateStackSet' ? 'updated outside its deployment' : record.eventName === 'DeleteStackSet' ? 'deleted' : `instances deleted${accounts ? ` (accounts ${accounts})` : ''}`}: member accounts may lose their forwarder`,
        target: stackSet,
        undo:
          record.eventName === 'DeleteStackInstances'
            ? `aws cloudformation create-stack-instances --stack-set-name ${shellQuote(stackSet!)} --deployment-targets OrganizationalUnitIds=OU_IDS --regions ${regions ? regions.split(' ').map(shellQuote).join(' ') : 'REGIONS'}${inRegion}`
            : REDEPLOY,
      };
    }
    case 'organizations:LeaveOrganization':
    case 'organizations:RemoveAccountFromOrganization': {
      const account = name('accountId') ?? textOf(record.recipientAccountId);
      return {
        kind: 'organization',
        effect: `account ${account ?? '(unknown)'} left the organization: its forwarder StackSet instance goes with it`,
        target: account,
        undo: `aws organizations invite-account-to-organization --target Id=${shellQuote(account ?? 'ACCOUNT')},Type=ACCOUNT (from the management account; the account accepts, then the StackSet redeploys)`,
      };
    }
    case 'lambda:UpdateEventSourceMapping':
    case 'lambda:DeleteEventSourceMapping': {
      const uuid = name('uUID', 'uuid', 'UUID');
      // The mapping's function is in the response (`FunctionArn`) when the request did not name it.
      const response = (record.responseElements as Params | null | undefined) ?? {};
      const fn = textOf(response.functionArn) ?? textOf(response.FunctionArn) ?? name('functionName');
      if (!isOwn(uuid, own.eventSourceMappingIds) && !isOwn(fn, own.functionNames)) return null;
      if (byCloudFormation(record)) return null;
      if (record.eventName?.startsWith('Update')) {
        const disabled = params.enabled === false || params.enabled === 'false';
        if (!disabled && params.functionName === undefined && params.filterCriteria === undefined) return null;
        return { kind: 'event-source-mapping', effect: `the alerter's queue mapping ${uuid ?? ''} ${disabled ? 'disabled' : 'repointed or filtered'}: denials wait in the queue unread`, target: uuid, undo: disabled ? `aws lambda update-event-source-mapping --uuid ${shellQuote(uuid ?? 'UUID')} --enabled${inRegion}` : REDEPLOY };
      }
      return { kind: 'event-source-mapping', effect: `the alerter's queue mapping ${uuid ?? ''} deleted: denials wait in the queue unread`, target: uuid, undo: REDEPLOY };
    }
    case 'kms:DisableKey':
    case 'kms:ScheduleKeyDeletion': {
      const key = name('keyId');
      if (!isOwn(key, own.keyArns) || byCloudFormation(record)) return null;
      const quoted = shellQuote(key!);
      return record.eventName === 'DisableKey'
        ? { kind: 'key', effect: `the alerter's key ${key} disabled: its queue, topic or table can no longer be read`, target: key, undo: `aws kms enable-key --key-id ${quoted}${inRegion}` }
        : { kind: 'key', effect: `the alerter's key ${key} scheduled for deletion (disabled meanwhile)`, target: key, undo: `aws kms cancel-key-deletion --key-id ${quoted}${inRegion} && aws kms enable-key --key-id ${quoted}${inRegion}` };
    }
    default:
      return null;
  }
}

function lastSegment(value: string): string {
  return value.slice(value.lastIndexOf('/') + 1);
}
