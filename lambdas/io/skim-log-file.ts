/**
 * Skims a CloudTrail log file (`{"Records":[…]}`, as CloudTrail writes it to S3) without building its records: it
 * checks the whole text against JSON's grammar (RFC 8259) byte by byte, finds where each record starts and ends, and
 * reads only the few top-level fields that decide whether a record matters (`eventSource`, `eventName`, `eventTime`,
 * and whether an `errorCode` is there at all). A replay keeps about one record in fifty: building the other 49 with
 * `JSON.parse`, only to drop them, was most of its time.
 *
 * What it returns is what `JSON.parse` would give, or nothing:
 * - any text that `JSON.parse` would refuse, or that is not exactly one object whose only member is a `Records` array
 *   of objects, gives null (the caller parses it as before and reports it in the parser's words);
 * - a record whose fields cannot be read as plain text (a key or one of those values holding a backslash escape, a
 *   field given twice, a value that is not a string, no `eventName`) or that has a key the unwrapper reads as another
 *   shape (`errorCode`, an EventBridge envelope's, a lookup-events entry's, a nested page's) is marked to be parsed.
 */

/** The top-level fields of a record skimmed, as `JSON.parse` would give them. */
export interface SkimmedFields {
  eventSource: string | undefined;
  eventName: string;
  eventTime: string | undefined;
}

/**
 * What a read asks of the records it skims. A record whose event name is not in `names` is dropped unparsed, as is one
 * `wants` is false for (asked only of the others); `dropped` hears of each with its `eventTime` as `Date.parse` reads
 * it (undefined when there is none). The rest are parsed, and the read's `select` sees them. Both must be false only
 * where `select` would be.
 */
export interface RecordSkim {
  names: EventNameSet;
  wants(fields: SkimmedFields): boolean;
  dropped(eventTimeMs: number | undefined): void;
}

/** A set of event names that a skim checks against a record's bytes, without making a string of them. */
export class EventNameSet {
  private readonly byHash = new Map<number, string[]>();

  constructor(names: Iterable<string>) {
    for (const name of names) {
      const bytes = Buffer.from(name, 'utf8');
      const hash = hashOf(bytes, 0, bytes.length);
      const bucket = this.byHash.get(hash);
      if (bucket) bucket.push(name);
      else this.byHash.set(hash, [name]);
    }
  }

  /** True when the UTF-8 text `bytes[from, to)` is one of the names. */
  holds(bytes: Buffer, from: number, to: number): boolean {
    const bucket = this.byHash.get(hashOf(bytes, from, to));
    return bucket !== undefined && bucket.includes(bytes.toString('utf8', from, to));
  }
}

/** FNV-1a, 32 bits. */
function hashOf(bytes: Uint8Array, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let at = from; at < to; at++) hash = Math.imul(hash ^ bytes[at]!, 0x01000193);
  return hash >>> 0;
}

/** The records of one log file, in order: where each one's text is, and its fields unless it must be parsed. */
export interface SkimmedLogFile {
  count: number;
  /** Byte offset of record `k`'s first byte (`{`) and one past its last (`}`). */
  start(k: number): number;
  end(k: number): number;
  /** Record `k`'s fields, or null when it must be parsed to be read (see the module's comment). */
  fields(k: number): SkimmedFields | null;
  /** True when record `k` must be parsed to be read: {@link fields} is then null. */
  mustParse(k: number): boolean;
  /** Whether record `k` (one with fields) has an event name in `names`. */
  nameIn(k: number, names: EventNameSet): boolean;
  /** `Date.parse` of record `k`'s eventTime (one with fields), undefined when it has none. */
  eventTimeMs(k: number): number | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Bytes that stop a run of plain string characters: the quote, the backslash, and control characters (refused). */
const STRING_STOP = new Uint8Array(256);
for (let byte = 0; byte < 0x20; byte++) STRING_STOP[byte] = 1;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;

/** The characters a backslash may escape, but `u` (RFC 8259 section 7). */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const character of '"\\/bfnrt') SIMPLE_ESCAPE[character.charCodeAt(0)] = 1;

const HEX = new Uint8Array(256);
for (const character of '0123456789abcdefABCDEF') HEX[character.charCodeAt(0)] = 1;

const isWhitespace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;

/** The fields a skim reads, and the keys that make a record one to parse (see `lambdas/core/unwrap.ts`). */
const FIELD_SOURCE = 1;
const FIELD_NAME = 2;
const FIELD_TIME = 3;
const PARSE_ME = 4;
const KEYS: ReadonlyArray<readonly [string, number]> = [
  ['eventSource', FIELD_SOURCE],
  ['eventName', FIELD_NAME],
  ['eventTime', FIELD_TIME],
  // A failed call: the rule's candidate, and the classifier reads it whole.
  ['errorCode', PARSE_ME],
  // What the unwrapper reads as something else than a record: a lookup-events entry, an EventBridge envelope, a page.
  ['CloudTrailEvent', PARSE_ME],
  ['detail-type', PARSE_ME],
  ['detail', PARSE_ME],
  ['source', PARSE_ME],
  ['Records', PARSE_ME],
  ['Events', PARSE_ME],
];
/** The keys above by length, as bytes. */
const KEYS_BY_LENGTH: Array<Array<{ bytes: Uint8Array; kind: number }>> = [];
for (const [name, kind] of KEYS) (KEYS_BY_LENGTH[name.length] ??= []).push({ bytes: Buffer.from(name, 'latin1'), kind });

/** The opening every CloudTrail log file has. */
const OPENING = Buffer.from('{"Records":[', 'latin1');

/** Per record: start, end, then start and end of the source, name and time values (-1: absent), then a flag. */
const STRIDE = 9;

/**
 * Skims `bytes` (a whole log file, UTF-8): its records, or null when the text is not a valid `{"Records":[…]}` of
 * objects (parse it instead). Never throws.
 */
export function skimLogFile(bytes: Buffer): SkimmedLogFile | null {
  try {
    return new Skimmer(bytes).file();
  } catch {
    return null;
  }
}

class Skimmer {
  private readonly length: number;
  private table = new Int32Array(STRIDE * 1024);
  private count = 0;
  /** Whether the last string read held a backslash escape. */
  private escaped = false;
  /** Containers open inside a value being skipped: 1 an object, 2 an array. */
  private stack = new Uint8Array(64);

  constructor(private readonly bytes: Buffer) {
    this.length = bytes.length;
  }

  file(): SkimmedLogFile | null {
    const bytes = this.bytes;
    let at = this.whitespace(0);
    for (let k = 0; k < OPENING.length; k++) if (bytes[at + k] !== OPENING[k]) return null;
    at = this.whitespace(at + OPENING.length);
    if (bytes[at] === 0x5d) at++;
    else {
      for (;;) {
        if (bytes[at] !== 0x7b) return null;
        at = this.record(at);
        if (at < 0) return null;
        at = this.whitespace(at);
        if (bytes[at] === 0x2c) at = this.whitespace(at + 1);
        else if (bytes[at] === 0x5d) {
          at++;
          break;
        } else return null;
      }
    }
    at = this.whitespace(at);
    if (bytes[at] !== 0x7d) return null;
    if (this.whitespace(at + 1) !== this.length) return null;
    return this.result();
  }

  private result(): SkimmedLogFile {
    const { table, bytes, count } = this;
    const text = (from: number, to: number) => (from < 0 ? undefined : bytes.toString('utf8', from, to));
    return {
      count,
      start: (k) => table[k * STRIDE]!,
      end: (k) => table[k * STRIDE + 1]!,
      mustParse: (k) => table[k * STRIDE + 8] === 1,
      fields(k) {
        const row = k * STRIDE;
        if (table[row + 8] === 1) return null;
        return { eventSource: text(table[row + 2]!, table[row + 3]!), eventName: text(table[row + 4]!, table[row + 5]!)!, eventTime: text(table[row + 6]!, table[row + 7]!) };
      },
      nameIn: (k, names) => names.holds(bytes, table[k * STRIDE + 4]!, table[k * STRIDE + 5]!),
      eventTimeMs(k) {
        const from = table[k * STRIDE + 6]!;
        if (from < 0) return undefined;
        const to = table[k * STRIDE + 7]!;
        return isoTimeMs(bytes, from, to) ?? Date.parse(bytes.toString('utf8', from, to));
      },
    };
  }

  /** One record (an object at `at`): its row in the table; the offset past it, or -1 when the text is not JSON. */
  private record(at: number): number {
    const bytes = this.bytes;
    if (this.table.length < (this.count + 1) * STRIDE) {
      const grown = new Int32Array(this.table.length * 2);
      grown.set(this.table);
      this.table = grown;
    }
    const row = this.count * STRIDE;
    const table = this.table;
    table[row] = at;
    table.fill(-1, row + 2, row + 8);
    table[row + 8] = 0;
    at = this.whitespace(at + 1);
    if (bytes[at] !== 0x7d) {
      for (;;) {
        if (bytes[at] !== QUOTE) return -1;
        const keyStart = at + 1;
        at = this.string(at);
        if (at < 0) return -1;
        const kind = this.escaped ? PARSE_ME : this.keyKind(keyStart, at - 1);
        at = this.whitespace(at);
        if (bytes[at] !== 0x3a) return -1;
        at = this.whitespace(at + 1);
        const valueStart = at;
        at = bytes[at] === QUOTE ? this.string(at) : this.value(at);
        if (at < 0) return -1;
        if (kind === PARSE_ME) table[row + 8] = 1;
        else if (kind !== 0) {
          const slot = row + 2 * kind;
          // Given twice (the parser keeps the last), or not plain text: parsed.
          if (table[slot]! >= 0 || bytes[valueStart] !== QUOTE || this.escaped) table[row + 8] = 1;
          else {
            table[slot] = valueStart + 1;
            table[slot + 1] = at - 1;
          }
        }
        at = this.whitespace(at);
        if (bytes[at] === 0x2c) at = this.whitespace(at + 1);
        else if (bytes[at] === 0x7d) break;
        else return -1;
      }
    }
    // No eventName (`{}` among them): parsed, and the unwrapper says what it is.
    if (table[row + 4]! < 0) table[row + 8] = 1;
    table[row + 1] = at + 1;
    this.count++;
    return at + 1;
  }

  /** Which of {@link KEYS} the key text `[from, to)` is (0: none). */
  private keyKind(from: number, to: number): number {
    const candidates = KEYS_BY_LENGTH[to - from];
    if (candidates === undefined) return 0;
    const bytes = this.bytes;
    next: for (const { bytes: name, kind } of candidates) {
      for (let k = 0; k < name.length; k++) if (bytes[from + k] !== name[k]) continue next;
      return kind;
    }
    return 0;
  }

  private whitespace(at: number): number {
    const bytes = this.bytes;
    while (isWhitespace(bytes[at]!)) at++;
    return at;
  }

  /** The string opening at `at` (a quote): the offset past its closing quote, or -1. Sets {@link escaped}. */
  private string(at: number): number {
    const bytes = this.bytes;
    const length = this.length;
    this.escaped = false;
    at++;
    for (;;) {
      while (STRING_STOP[bytes[at]!] === 0) at++;
      if (at >= length) return -1;
      const byte = bytes[at]!;
      if (byte === QUOTE) return at + 1;
      if (byte !== BACKSLASH) return -1; // a control character
      this.escaped = true;
      const escape = bytes[at + 1]!;
      if (SIMPLE_ESCAPE[escape] === 1) at += 2;
      else if (escape === 0x75 && HEX[bytes[at + 2]!] === 1 && HEX[bytes[at + 3]!] === 1 && HEX[bytes[at + 4]!] === 1 && HEX[bytes[at + 5]!] === 1) at += 6;
      else return -1;
    }
  }

  /** The number at `at` (RFC 8259 section 6): the offset past it, or -1. */
  private number(at: number): number {
    const bytes = this.bytes;
    if (bytes[at] === 0x2d) at++;
    if (bytes[at] === 0x30) at++;
    else if (isDigit(bytes[at]!)) while (isDigit(bytes[at]!)) at++;
    else return -1;
    if (bytes[at] === 0x2e) {
      at++;
      if (!isDigit(bytes[at]!)) return -1;
      while (isDigit(bytes[at]!)) at++;
    }
    if (bytes[at] === 0x65 || bytes[at] === 0x45) {
      at++;
      if (bytes[at] === 0x2b || bytes[at] === 0x2d) at++;
      if (!isDigit(bytes[at]!)) return -1;
      while (isDigit(bytes[at]!)) at++;
    }
    return at;
  }

  private literal(at: number, word: string): number {
    for (let k = 0; k < word.length; k++) if (this.bytes[at + k] !== word.charCodeAt(k)) return -1;
    return at + word.length;
  }

  /**
   * The value at `at` (no whitespace before it), however deep: the offset past it, or -1. Iterative, so that deep
   * nesting costs memory, not the call stack. {@link escaped} tells of the value when it is a string.
   */
  private value(at: number): number {
    const bytes = this.bytes;
    let depth = 0;
    for (;;) {
      // A value.
      const byte = bytes[at];
      let opened = false;
      if (byte === QUOTE) at = this.string(at);
      else if (byte === 0x7b || byte === 0x5b) {
        at = this.whitespace(at + 1);
        if (bytes[at] === byte + 2) at++; // `{}` or `[]`
        else {
          if (depth === this.stack.length) {
            const grown = new Uint8Array(depth * 2);
            grown.set(this.stack);
            this.stack = grown;
          }
          this.stack[depth++] = byte === 0x7b ? 1 : 2;
          opened = true;
        }
      } else if (byte === 0x74) at = this.literal(at, 'true');
      else if (byte === 0x66) at = this.literal(at, 'false');
      else if (byte === 0x6e) at = this.literal(at, 'null');
      else at = this.number(at);
      if (at < 0) return -1;
      if (opened) {
        if (this.stack[depth - 1] === 1 && (at = this.member(at)) < 0) return -1;
        continue;
      }
      // What follows a value: the next one, or the ends of the containers it closes.
      for (;;) {
        if (depth === 0) return at;
        at = this.whitespace(at);
        const container = this.stack[depth - 1];
        if (bytes[at] === 0x2c) {
          at = this.whitespace(at + 1);
          if (container === 1 && (at = this.member(at)) < 0) return -1;
          break;
        }
        if (bytes[at] !== (container === 1 ? 0x7d : 0x5d)) return -1;
        at++;
        depth--;
      }
    }
  }

  /** A member's key and colon at `at`: the offset of its value, or -1. */
  private member(at: number): number {
    if (this.bytes[at] !== QUOTE) return -1;
    at = this.string(at);
    if (at < 0) return -1;
    at = this.whitespace(at);
    if (this.bytes[at] !== 0x3a) return -1;
    return this.whitespace(at + 1);
  }
}

/**
 * The time `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.sssZ` (CloudTrail's eventTime) in `bytes[from, to)`, read
 * without making a string; null for any other text, which the caller gives to `Date.parse`. Within the ranges
 * accepted here (years 1000 on, months 1–12, days 1–31, hours 0–23, minutes and seconds 0–59), `Date.parse` gives
 * `Date.UTC` of the same fields, a day past the month's end included (April 31 is May 1 to both).
 */
function isoTimeMs(bytes: Uint8Array, from: number, to: number): number | null {
  const length = to - from;
  if (length !== 20 && length !== 24) return null;
  if (bytes[from + 4] !== 0x2d || bytes[from + 7] !== 0x2d || bytes[from + 10] !== 0x54 || bytes[from + 13] !== 0x3a || bytes[from + 16] !== 0x3a || bytes[to - 1] !== 0x5a) return null;
  const year = digits(bytes, from, 4);
  const month = digits(bytes, from + 5, 2);
  const day = digits(bytes, from + 8, 2);
  const hour = digits(bytes, from + 11, 2);
  const minute = digits(bytes, from + 14, 2);
  const second = digits(bytes, from + 17, 2);
  let millisecond = 0;
  if (length === 24) {
    if (bytes[from + 19] !== 0x2e) return null;
    millisecond = digits(bytes, from + 20, 3);
    if (millisecond < 0) return null;
  }
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
}

/** The decimal number of `count` digits at `at`, or -1 when one is not a digit. */
function digits(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let k = 0; k < count; k++) {
    const digit = bytes[at + k]! - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
