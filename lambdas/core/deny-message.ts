/**
 * Reads what an authorization error message tells: who, which action, which resource, and which policy layer said no.
 *
 * Template (IAM User Guide, "Troubleshoot access denied error messages"):
 * `User: <arn> is not authorized to perform: <action>[ on resource: <arn>] because no <layer> allows the <action> action`
 * or `… with an explicit deny in a|an|the <layer>[: <policy arn>]`. EC2 wraps it in `You are not authorized to perform
 * this operation.` and `Encoded authorization failure message: …`; S3 quotes the resource ARN; messages are cut at
 * 1 KB with a trailing `...`.
 */
import type { DenyKind, DenyLayer } from './types.js';

/** What a message said; each field null when the message does not say it. */
export interface ParsedDenyMessage {
  principalArn: string | null;
  action: string | null;
  resource: string | null;
  layer: DenyLayer | null;
  kind: DenyKind | null;
  policyArn: string | null;
  encodedAuthorizationMessage: string | null;
}

/** Layer phrases as AWS prints them (lower-cased), longest first so that compound phrases win. */
const LAYER_PHRASES: ReadonlyArray<readonly [string, DenyLayer]> = [
  // The denying statement is in an SCP that applies through the VPC endpoint: the SCP is what must change.
  ['vpc endpoint policy transitively through a service control policy', 'scp'],
  ['identity-based policy', 'identity-policy'],
  ['resource-based policy', 'resource-policy'],
  ['service control policy', 'scp'],
  ['resource control policy', 'rcp'],
  ['permissions boundary', 'permissions-boundary'],
  ['sessions policy', 'session-policy'],
  ['session policy', 'session-policy'],
  ['vpc endpoint policy', 'vpc-endpoint-policy'],
  ['role trust policy', 'role-trust-policy'],
  ['trust policy', 'role-trust-policy'],
];

const PERFORM = /(?:User: ?(\S+) |User )is not authorized to perform: ?([A-Za-z0-9-]+:[A-Za-z0-9*]+)/;
const ON_RESOURCE = / on resource: ?("[^"]*"|\S+)/;
const IMPLICIT = /because no (.+?) allows? the /i;
const EXPLICIT = /with an explicit deny(?: in (?:a |an |the )?([^:.]+)(?:: ?(arn:\S+))?)?/i;
const ENCODED = /Encoded authorization failure message: ?(\S+)/;
const VPCE_DENIED = /denied due to a VPC endpoint policy/i;

/** Parses an authorization error message. Never throws; an empty or foreign message gives all nulls. */
export function parseDenyMessage(message: string | null | undefined): ParsedDenyMessage {
  const result: ParsedDenyMessage = {
    principalArn: null,
    action: null,
    resource: null,
    layer: null,
    kind: null,
    policyArn: null,
    encodedAuthorizationMessage: null,
  };
  if (!message) return result;
  const perform = PERFORM.exec(message);
  if (perform) {
    result.principalArn = perform[1]?.startsWith('arn:') ? perform[1] : null;
    result.action = perform[2] ?? null;
    const tail = message.slice(perform.index + perform[0].length);
    const onResource = ON_RESOURCE.exec(tail);
    if (onResource && onResource.index === 0) result.resource = cleanResource(onResource[1]!);
  }
  const implicit = IMPLICIT.exec(message);
  const explicit = implicit ? null : EXPLICIT.exec(message);
  if (implicit) {
    result.kind = 'implicit';
    result.layer = layerOf(implicit[1]!);
  } else if (explicit) {
    result.kind = 'explicit';
    result.layer = explicit[1] ? layerOf(explicit[1]) : 'unknown';
    result.policyArn = explicit[2]?.replace(/[.,;]$/, '') ?? null;
  } else if (VPCE_DENIED.test(message)) {
    result.layer = 'vpc-endpoint-policy';
    result.kind = 'unknown';
  }
  const encoded = ENCODED.exec(message);
  if (encoded && !encoded[1]!.endsWith('...')) result.encodedAuthorizationMessage = encoded[1]!;
  return result;
}

function layerOf(phrase: string): DenyLayer {
  const lower = phrase.toLowerCase().trim();
  for (const [text, layer] of LAYER_PHRASES) if (lower.startsWith(text) || lower === text) return layer;
  return 'unknown';
}

function cleanResource(raw: string): string | null {
  let value = raw.startsWith('"') ? raw.slice(1, -1) : raw;
  if (value.endsWith('...')) return null; // cut at 1 KB: the ARN is incomplete
  value = value.replace(/[.,;]$/, '');
  return value === '' ? null : value;
}
