/**
 * Console links for an alert, in the console of the record's partition (`consoleBaseUrl` of the partition model:
 * `<region>.console.aws.amazon.com`, `console.amazonaws-us-gov.com`, `console.amazonaws.cn`); none where the
 * partition's console is not public (ISO) or a part is not plain: a wrong link is worse than none.
 */
import { consoleBaseUrl } from '../partition.js';

/**
 * The CloudTrail console's event-history page for one event, in the event's Region.
 *
 * Returns null when there is no Region or event id, when either is not plain (a Region name; an event id of letters,
 * digits, `-`, `.`, `:`: both come from the event), or for a partition without a public console. Both parts are
 * URL-encoded all the same.
 *
 * @example cloudTrailEventLink('eu-west-1', 'a1b2') // 'https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/a1b2'
 */
export function cloudTrailEventLink(region: string | null | undefined, eventId: string | null | undefined): string | null {
  if (!region || !eventId || !/^[A-Za-z0-9][A-Za-z0-9.:-]{0,127}$/.test(eventId)) return null;
  const base = consoleBaseUrl(region);
  return base ? `${base}/cloudtrailv2/home?region=${encodeURIComponent(region)}#/events/${encodeURIComponent(eventId)}` : null;
}

/**
 * The DynamoDB console's item explorer for the deployment's table (the "History" button of a Slack alert, passed as
 * `historyUrl`). Null for a Region or table name that is not plain, or a partition without a public console.
 *
 * @example historyTableLink('eu-west-1', 'DenialAlerter-Denials') // 'https://eu-west-1.console.aws.amazon.com/dynamodbv2/home?region=eu-west-1#item-explorer?table=DenialAlerter-Denials'
 */
export function historyTableLink(region: string | null | undefined, tableName: string | null | undefined): string | null {
  if (!region || !tableName || !/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) return null;
  const base = consoleBaseUrl(region);
  return base ? `${base}/dynamodbv2/home?region=${region}#item-explorer?table=${encodeURIComponent(tableName)}` : null;
}
