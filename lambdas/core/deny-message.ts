/**
 * Reads what an authorization error message tells: who, which action, which resource, which policy layer said no,
 * the denying policy's ARN, and AWS's own authorization id (Access Troubleshooter).
 *
 * Template (IAM User Guide, "Troubleshoot access denied error messages"):
 * `User: <arn> is not authorized to perform: <action>[ on resource: <resource>] because no <layer> allows the <action>
 * action` or `… with an explicit deny in a|an|the <layer>[: <policy arn>.]`, optionally followed (2026, Access
 * Troubleshooter preview) by `Go to https://…#/authorization-details/<id> for complete details, or call the
 * GetRequestAuthorizationDetails API with the following authorization id: <id>`. EC2 wraps it in `You are not
 * authorized to perform this operation.` and `Encoded authorization failure message: …`; S3 quotes the resource ARN;
 * IAM names its own resources in words (`on resource: role prod-admin`); messages are cut at 1 KB with `...`.
 *
 * The parser is a single forward scan with `indexOf` and sticky, bounded token patterns: linear in the text it reads,
 * and it reads at most {@link MAX_MESSAGE_SCAN} characters (a crafted megabyte costs what 16 KB cost).
 */
import type { DenyKind, DenyLayer } from './types.js';

/** Characters of a message that are read at most. CloudTrail cuts `errorMessage` at about 1 KB; 16 KB is generous. */
export const MAX_MESSAGE_SCAN = 16_384;

/** A resource IAM names in words (`role prod-admin`): its IAM resource type and name, for the caller to make an ARN. */
export interface WordedResource {
  /** `role`, `user`, `group`, `policy`, `instance-profile`, `oidc-provider`, `saml-provider`, `server-certificate`, `mfa`. */
  type: string;
  name: string;
}

/** What a message said; each field null when the message does not say it. */
export interface ParsedDenyMessage {
  principalArn: string | null;
  action: string | null;
  /** The resource as printed (an ARN, `*`, or a service's own word), null when absent, worded or cut. */
  resource: string | null;
  /** IAM's worded resource (`role prod-admin`), for the classifier to turn into an ARN. */
  wordedResource: WordedResource | null;
  layer: DenyLayer | null;
  kind: DenyKind | null;
  policyArn: string | null;
  encodedAuthorizationMessage: string | null;
  /** Access Troubleshooter's authorization id (lower-case letters and digits). */
  authorizationId: string | null;
  /** The console link to the authorization details. */
  authorizationDetailsUrl: string | null;
  /** True when the message was cut (a trailing `...`, or longer than the scan limit). */
  truncated: boolean;
}

/** Layer phrases as AWS prints them (lower-case), longest first so that compound phrases win. */
const LAYER_PHRASES: ReadonlyArray<readonly [string, DenyLayer]> = [
  // The denying statement is in an SCP that applies through the VPC endpoint: the SCP is what must change.
  ['vpc endpoint policy transitively through a service control policy', 'scp'],
  ['identity-based policy', 'identity-policy'],
  ['identity based policy', 'identity-policy'],
  ['resource-based policy', 'resource-policy'],
  ['resource based policy', 'resource-policy'],
  ['service control policy', 'scp'],
  ['resource control policy', 'rcp'],
  ['permissions boundary', 'permissions-boundary'],
  ['permission boundary', 'permissions-boundary'],
  ['sessions policy', 'session-policy'],
  ['session policy', 'session-policy'],
  ['vpc endpoint policy', 'vpc-endpoint-policy'],
  ['role trust policy', 'role-trust-policy'],
  ['trust policy', 'role-trust-policy'],
];

/** IAM resource words and whether the word may carry a path. */
const WORDED_TYPES = new Set(['role', 'user', 'group', 'policy', 'instance-profile', 'oidc-provider', 'saml-provider', 'server-certificate', 'mfa']);

const ACTION_TOKEN = /[A-Za-z0-9-]{1,64}:[A-Za-z0-9*]{1,128}/y;
const AUTHORIZATION_ID = /[0-9a-z]{1,256}/y;
const WHITESPACE = /\s/;
const NEXT_WHITESPACE = /\s/g;

/** Where the whitespace-delimited token starting at `start` ends (one native regex search, linear). */
function endOfToken(text: string, start: number): number {
  NEXT_WHITESPACE.lastIndex = start;
  const next = NEXT_WHITESPACE.exec(text);
  return next ? next.index : text.length;
}

// Phrases as AWS prints them. Searches are case-sensitive on purpose: lower-casing a whole crafted megabyte costs more
// than the rest of the parse; only the short window where a layer phrase starts is lower-cased.
const PERFORM = 'is not authorized to perform';
const ON_RESOURCE = ' on resource:';
const BECAUSE_NO = 'because no ';
const EXPLICIT_DENY = 'with an explicit deny';
const ENCODED = 'Encoded authorization failure message:';
const AUTHORIZATION_ID_PHRASE = 'authorization id:';
const DETAILS_FRAGMENT = '#/authorization-details/';
const GO_TO = 'Go to ';
const VPCE_DENIED = 'denied due to a VPC endpoint policy';
/** Longer than the longest layer phrase: the window lower-cased to compare layer phrases. */
const LAYER_WINDOW = 96;

/** An empty result (all nulls). */
function emptyResult(truncated: boolean): ParsedDenyMessage {
  return {
    principalArn: null,
    action: null,
    resource: null,
    wordedResource: null,
    layer: null,
    kind: null,
    policyArn: null,
    encodedAuthorizationMessage: null,
    authorizationId: null,
    authorizationDetailsUrl: null,
    truncated,
  };
}

/**
 * Parses an authorization error message. Never throws; an empty or foreign message gives all nulls.
 *
 * @param maxScan - characters read at most (the default is {@link MAX_MESSAGE_SCAN}; the benchmark lifts it to show
 * that the scan itself is linear).
 */
export function parseDenyMessage(message: string | null | undefined, maxScan = MAX_MESSAGE_SCAN): ParsedDenyMessage {
  if (!message) return emptyResult(false);
  const text = message.length > maxScan ? message.slice(0, maxScan) : message;
  const truncated = message.length > maxScan || text.endsWith('...') || text.endsWith('…');
  const scanner = new Scanner(text, truncated);
  const result = emptyResult(truncated);

  let cursor = 0;
  const perform = text.indexOf(PERFORM);
  if (perform >= 0) {
    result.principalArn = principalBefore(text, perform);
    let at = skipSpaces(text, perform + PERFORM.length);
    if (text.charCodeAt(at) === 58 /* : */) at = skipSpaces(text, at + 1);
    ACTION_TOKEN.lastIndex = at;
    const action = ACTION_TOKEN.exec(text);
    if (action && scanner.endsCleanly(at + action[0].length)) {
      result.action = action[0];
      cursor = at + action[0].length;
      if (text.startsWith(ON_RESOURCE, cursor)) cursor = readResource(scanner, skipSpaces(text, cursor + ON_RESOURCE.length), result);
    }
  }

  const because = text.indexOf(BECAUSE_NO, cursor);
  const explicit = because >= 0 ? -1 : text.indexOf(EXPLICIT_DENY, cursor);
  if (because >= 0) {
    result.kind = 'implicit';
    result.layer = layerAt(text, because + BECAUSE_NO.length)?.[0] ?? 'unknown';
  } else if (explicit >= 0) {
    result.kind = 'explicit';
    let at = explicit + EXPLICIT_DENY.length;
    if (text.startsWith(' in ', at)) {
      at += 4;
      for (const article of ['a ', 'an ', 'the ']) if (text.startsWith(article, at)) at += article.length;
      const layer = layerAt(text, at);
      result.layer = layer?.[0] ?? 'unknown';
      if (layer) {
        at += layer[1];
        if (text.charCodeAt(at) === 58 /* : */) {
          const start = skipSpaces(text, at + 1);
          if (text.startsWith('arn:', start)) result.policyArn = scanner.token(start, true);
        }
      }
    } else {
      result.layer = 'unknown';
    }
  } else if (text.includes(VPCE_DENIED)) {
    result.layer = 'vpc-endpoint-policy';
    result.kind = 'unknown';
  }

  const encoded = text.indexOf(ENCODED);
  if (encoded >= 0) result.encodedAuthorizationMessage = scanner.token(skipSpaces(text, encoded + ENCODED.length), false);

  readAuthorization(scanner, result);
  return result;
}

/** The text and token reading that knows whether the text was cut. */
class Scanner {
  constructor(
    readonly text: string,
    readonly truncated: boolean,
  ) {}

  /** True when a token ending at `end` is complete: not cut by the message limit. */
  endsCleanly(end: number): boolean {
    const rest = this.text.length - end;
    if (rest === 0) return !this.truncated;
    // Only the ellipsis follows: the token was cut.
    if (rest === 3 && this.text.endsWith('...')) return false;
    return !(rest === 1 && this.text.endsWith('…'));
  }

  /** The whitespace-delimited token at `start`, null when cut; `trimPunctuation` drops a sentence's final `.`,`,`,`;`. */
  token(start: number, trimPunctuation: boolean): string | null {
    const end = endOfToken(this.text, start);
    if (end === start) return null;
    let value = this.text.slice(start, end);
    if (value.endsWith('...') || value.endsWith('…') || !this.endsCleanly(end)) return null;
    if (trimPunctuation) value = value.replace(/[.,;]+$/, '');
    return value === '' ? null : value;
  }
}

function skipSpaces(text: string, at: number): number {
  while (at < text.length && text.charCodeAt(at) === 32) at++;
  return at;
}

/** `User: <arn> ` just before "is not authorized": the ARN, or null (`User is not authorized`, foreign text). */
function principalBefore(text: string, perform: number): string | null {
  // Look back at most 2 KB: an ARN is far shorter, and the look-back stays bounded.
  const from = Math.max(0, perform - 2048);
  const user = text.lastIndexOf('User:', perform);
  if (user < from) return null;
  const candidate = text.slice(user + 5, perform).trim();
  return candidate.startsWith('arn:') && !WHITESPACE.test(candidate) ? candidate : null;
}

/** Reads the resource after `on resource:`; returns where the scan continues. */
function readResource(scanner: Scanner, start: number, result: ParsedDenyMessage): number {
  const text = scanner.text;
  if (text.charCodeAt(start) === 34 /* " */) {
    const close = text.indexOf('"', start + 1);
    if (close < 0) return text.length; // cut inside the quotes
    const value = text.slice(start + 1, close);
    result.resource = value === '' || value.endsWith('...') ? null : value;
    return close + 1;
  }
  const end = endOfToken(text, start);
  const word = text.slice(start, end);
  if (WORDED_TYPES.has(word) && text.charCodeAt(end) === 32) {
    // IAM's worded resource: `role prod-admin because …`
    const nameStart = end + 1;
    const nameEnd = endOfToken(text, nameStart);
    const name = text.slice(nameStart, nameEnd);
    const keyword = name === 'because' || name === 'with';
    if (!keyword && name !== '') {
      // A name cut by the message limit names no resource at all.
      if (scanner.endsCleanly(nameEnd) && !name.endsWith('...') && !name.endsWith('…')) result.wordedResource = { type: word, name: name.replace(/[.,;]+$/, '') };
      return nameEnd;
    }
  }
  result.resource = scanner.token(start, true);
  return end;
}

/** The layer phrase starting at `at` (any case: AWS prints `VPC endpoint policy`), with its length. */
function layerAt(text: string, at: number): readonly [DenyLayer, number] | null {
  const window = text.slice(at, at + LAYER_WINDOW).toLowerCase();
  for (const [phrase, layer] of LAYER_PHRASES) if (window.startsWith(phrase)) return [layer, phrase.length];
  return null;
}

/** The Access Troubleshooter suffix: the console link and the authorization id (from the id phrase or the link). */
function readAuthorization(scanner: Scanner, result: ParsedDenyMessage): void {
  const { text } = scanner;
  const goTo = text.indexOf(GO_TO + 'https://');
  if (goTo >= 0) {
    const url = scanner.token(goTo + GO_TO.length, false);
    if (url && url.includes(DETAILS_FRAGMENT)) {
      result.authorizationDetailsUrl = url;
      const idStart = url.indexOf(DETAILS_FRAGMENT) + DETAILS_FRAGMENT.length;
      AUTHORIZATION_ID.lastIndex = idStart;
      const id = AUTHORIZATION_ID.exec(url);
      if (id && idStart + id[0].length === url.length) result.authorizationId = id[0];
    }
  }
  const phrase = text.indexOf(AUTHORIZATION_ID_PHRASE);
  if (phrase >= 0) {
    const start = skipSpaces(text, phrase + AUTHORIZATION_ID_PHRASE.length);
    AUTHORIZATION_ID.lastIndex = start;
    const id = AUTHORIZATION_ID.exec(text);
    if (id) {
      const end = start + id[0].length;
      const next = text[end];
      const complete = next === undefined ? !scanner.truncated : next === '.' ? !text.startsWith('...', end) : WHITESPACE.test(next);
      if (complete) result.authorizationId = id[0];
    }
  }
}
