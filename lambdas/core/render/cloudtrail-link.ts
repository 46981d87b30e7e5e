/**
 * The CloudTrail console's event-history page for one event, in the event's Region.
 *
 * Returns null when there is no Region or event id, when either is not plain (a Region name; an event id of letters,
 * digits, `-`, `.`, `:`: both come from the event), or for partitions whose console lives elsewhere (China,
 * GovCloud, ISO): a wrong link is worse than none. Both parts are URL-encoded all the same.
 *
 * @example cloudTrailEventLink('eu-west-1', 'a1b2') // 'https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/a1b2'
 */
export function cloudTrailEventLink(region: string | null | undefined, eventId: string | null | undefined): string | null {
  if (!region || !eventId || !/^[a-z]{2,}(?:-[a-z0-9]+)+$/.test(region) || !/^[A-Za-z0-9][A-Za-z0-9.:-]{0,127}$/.test(eventId)) return null;
  if (/^(?:cn-|us-gov-|us-iso|eu-isoe-)/.test(region)) return null;
  const host = encodeURIComponent(region);
  return `https://${host}.console.aws.amazon.com/cloudtrailv2/home?region=${encodeURIComponent(region)}#/events/${encodeURIComponent(eventId)}`;
}
