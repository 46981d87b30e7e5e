/** The CloudTrail console's event-history page of one event, in the event's Region. */
export function cloudTrailEventLink(region: string | null, eventId: string): string | null {
  if (!region || !/^[a-z0-9-]+$/.test(region) || !/^[A-Za-z0-9-]+$/.test(eventId)) return null;
  return `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${encodeURIComponent(eventId)}`;
}
