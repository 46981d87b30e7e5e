/**
 * Slack's request signature, verified by hand with `crypto.timingSafeEqual`: `X-Slack-Signature` is `v0=` +
 * hex HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}` under the app's signing secret; a timestamp more
 * than 5 minutes from now is refused (https://api.slack.com/authentication/verifying-requests-from-slack).
 *
 * Why not `@slack/bolt`: its verifier lives inside its receivers, and `AwsLambdaReceiver` needs a whole `App`
 * (express, OAuth and socket-mode packages in the bundle, an `auth.test` at start) for what is twenty lines here; we
 * also need the replay check and the team check, which bolt does not do.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from now. */
export const MAX_REQUEST_AGE_MS = 5 * 60_000;

export type SignatureVerdict = { valid: true } | { valid: false; why: 'missing' | 'stale' | 'forged' };

/** Checks one request's signature and timestamp (constant-time comparison). */
export function verifySlackSignature(signingSecret: string, rawBody: string, timestampHeader: string | undefined, signatureHeader: string | undefined, nowMs: number): SignatureVerdict {
  if (!timestampHeader || !signatureHeader || !/^\d{1,12}$/.test(timestampHeader) || !/^v0=[0-9a-f]{64}$/.test(signatureHeader)) return { valid: false, why: 'missing' };
  if (Math.abs(nowMs - Number(timestampHeader) * 1000) > MAX_REQUEST_AGE_MS) return { valid: false, why: 'stale' };
  const expected = Buffer.from(signSlackRequest(signingSecret, rawBody, timestampHeader), 'utf8');
  const given = Buffer.from(signatureHeader, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given) ? { valid: true } : { valid: false, why: 'forged' };
}

/** The `X-Slack-Signature` Slack would send for this body and timestamp. */
export function signSlackRequest(signingSecret: string, rawBody: string, timestamp: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}
