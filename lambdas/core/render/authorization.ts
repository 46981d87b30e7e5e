/**
 * EC2's encoded authorization failure message: 700 characters no reader can use as they are. A renderer shows the
 * decoded summary when the Lambda decoded it (`diagnosis.decodedAuthorization`), else the command that decodes it.
 */
import type { AlertSummary } from '../alert.js';
import { partitionOf } from '../partition.js';
import { shellQuote } from './least-privilege.js';

const ENCODED = /\s*Encoded authorization failure message:\s*([A-Za-z0-9_\-+/=]+)\s*$/;

/** The encoded message in an error message, or null. */
export function encodedAuthorizationMessage(errorMessage: string | null): string | null {
  return errorMessage ? (ENCODED.exec(errorMessage)?.[1] ?? null) : null;
}

/** The error message without its encoded part (replaced by a short note), for display. */
export function errorMessageForDisplay(errorMessage: string | null): string | null {
  if (!errorMessage) return null;
  return errorMessage.replace(ENCODED, ' Encoded authorization failure message: (see the decode command).');
}

/** What to show for the encoded message: the decoded summary, or the command; null when there is none. */
export type AuthorizationDecoding = { kind: 'decoded'; summary: string } | { kind: 'command'; command: string } | null;

/**
 * The decoded summary, or the command: for a plain event id and Region, a pipeline that fetches the message from
 * CloudTrail's event history and decodes it (short enough for a phone); else the command with the message inline.
 */
export function authorizationDecoding(alert: AlertSummary): AuthorizationDecoding {
  const decoded = alert.diagnosis?.decodedAuthorization;
  if (decoded) {
    const matched = decoded.matchedStatements.slice(0, 5).map((item) => `${item.effect ?? '?'} ${item.sid ?? '(no Sid)'} in ${item.policy ?? 'an unnamed policy'}`);
    const verdict = decoded.allowed ? 'allowed' : decoded.explicitDeny ? 'explicit deny' : 'no statement allows';
    return { kind: 'decoded', summary: `Decoded authorization message: ${verdict}${matched.length > 0 ? `; matched ${matched.join(', ')}` : ''}.` };
  }
  const encoded = encodedAuthorizationMessage(alert.errorMessage);
  if (!encoded) return null;
  const eventId = alert.sampleEventIds[0];
  if (alert.region && eventId && /^[a-z]{2,}(?:-[a-z0-9]+)+$/.test(alert.region) && /^[A-Za-z0-9-]{1,128}$/.test(eventId)) {
    const lookup = `aws cloudtrail lookup-events --region ${alert.region} --lookup-attributes AttributeKey=EventId,AttributeValue=${eventId} --query 'Events[0].CloudTrailEvent' --output text | jq -r '.errorMessage|sub(".*: ";"")'`;
    return { kind: 'command', command: `aws sts decode-authorization-message --region ${alert.region} --encoded-message "$(${lookup})"` };
  }
  // STS decodes in any Region of the record's partition: name one, so the default Region cannot send it elsewhere.
  const region = partitionOf({ arns: [alert.principalArn], region: alert.region }).iamRegion;
  return { kind: 'command', command: `aws sts decode-authorization-message --region ${region} --encoded-message ${shellQuote(encoded)}` };
}
