/**
 * Untrusted text (user agents, session names, error messages, resource names) made safe to show.
 *
 * Slack parses `&`, `<` and `>` in every text object: `<!channel>`, `<@U123>` and `<https://…|text>` become mentions
 * and disguised links. Escaping those three characters (Slack's own rule) stops all of them. Formatting (`*`, `_`,
 * `~`, `` ` ``) is neutralised in one of two ways:
 * - {@link slackCode} / {@link slackCodeBlock}: the value inside a code span, where Slack applies no formatting; a
 *   backtick in the value, which would close the span, is replaced by a look-alike (`ˋ`). Identifiers stay copyable.
 * - {@link slackProse}: outside code, the formatting characters are replaced by look-alikes and the broadcast words
 *   (`@here`, `@channel`, `@everyone`) are broken with a zero-width space.
 * Control characters are flattened everywhere (no line breaks smuggled into a one-line field, no terminal escapes),
 * invisible characters are removed or made visible ({@link sanitizeText}), and oversized values are cut with a visible
 * {@link CUT_MARKER} before escaping, so an entity is never cut in half.
 */

/** The marker left where a value was cut. */
export const CUT_MARKER = '…(cut)';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/**
 * Bidirectional controls (Unicode's "Trojan Source" characters, CVE-2021-42574): embeddings, overrides, isolates and
 * the directional marks. One of them can make `role/admin` read as `role/nimda`, or hide the end of a line.
 */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Zero-width and invisible formatting characters: zero-width space/joiners, word joiner, invisible operators, BOM. */
const ZERO_WIDTH = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]/g;
/** A UTF-16 surrogate without its pair (SNS refuses such a string; JSON encoders disagree on it). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Any character outside ASCII (where every character the sanitizers change lies). */
const NOT_ASCII = /[^\u0000-\u007f]/;

/** Shown where a bidirectional control or a lone surrogate was: visible, so a reader knows something was there. */
export const REPLACEMENT = '\ufffd';

/**
 * Makes untrusted text show what it is: bidirectional controls and lone surrogates become {@link REPLACEMENT}
 * (visible), zero-width characters are removed. Every renderer applies it to event text, and once more to its output.
 *
 * @example sanitizeText('role/\u202enimda') // 'role/\ufffdnimda'
 */
export function sanitizeText(value: string): string {
  if (!NOT_ASCII.test(value)) return value; // every character it changes is outside ASCII
  return value.replace(LONE_SURROGATE, REPLACEMENT).replace(BIDI_CONTROL, REPLACEMENT).replace(ZERO_WIDTH, '');
}
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;
const BACKTICK_LOOKALIKE = 'ˋ';
const FORMATTING_LOOKALIKES: Record<string, string> = { '*': '∗', _: 'ˍ', '~': '∼', '`': BACKTICK_LOOKALIKE };

/**
 * Cuts a string to at most `max` UTF-16 units, ending with {@link CUT_MARKER} when anything was removed.
 * Never splits a surrogate pair.
 */
export function cut(value: string, max: number, marker: string = CUT_MARKER): string {
  if (value.length <= max) return value;
  let end = Math.max(0, max - marker.length);
  if (end > 0 && isHighSurrogate(value.charCodeAt(end - 1))) end -= 1;
  return `${value.slice(0, end)}${marker}`.slice(0, Math.max(max, 0));
}

/**
 * The last pass over a renderer's composed output (a safety net for any path that skipped {@link flatten}): bidi
 * controls and lone surrogates made visible, zero-width characters removed except the zero-width space this module
 * puts after `@` to break `@here`/`@channel`.
 */
export function sanitizeOutput(value: string): string {
  if (!NOT_ASCII.test(value)) return value; // as in sanitizeText
  return value.replace(LONE_SURROGATE, REPLACEMENT).replace(BIDI_CONTROL, REPLACEMENT).replace(ZERO_WIDTH_NOT_OURS, '');
}

const ZERO_WIDTH_NOT_OURS = /[\u00ad\u180e\u200c\u200d\u2060-\u2064\ufeff]|(?<!@)\u200b/g;

/** Replaces control characters (line breaks included) by spaces, after {@link sanitizeText}. */
export function flatten(value: string): string {
  return sanitizeText(value).replace(CONTROL, ' ');
}

/** Replaces control characters other than `\n` by spaces (for multi-line text), after {@link sanitizeText}. */
export function flattenKeepingLines(value: string): string {
  return sanitizeText(value).replace(/\r\n?/g, '\n').replace(CONTROL_EXCEPT_NEWLINE, ' ');
}

/** Escapes Slack's control characters `&`, `<`, `>` as HTML entities. */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Replaces mrkdwn formatting characters by look-alikes and breaks `@here`/`@channel`/`@everyone`. */
export function neutraliseFormatting(value: string): string {
  return value.replace(/[*_~`]/g, (char) => FORMATTING_LOOKALIKES[char]!).replace(/@(?=(?:here|channel|everyone|group)\b)/gi, '@\u200b');
}

/** Untrusted one-line text for mrkdwn outside code: flattened, cut, escaped, formatting neutralised. */
export function slackProse(value: string, max = 300): string {
  return escapeMrkdwn(neutraliseFormatting(cut(flatten(value), max)));
}

/** Untrusted one-line text for a `plain_text` object (Slack decodes the entities there too). */
export function slackPlain(value: string, max = 300): string {
  return escapeMrkdwn(cut(flatten(value), max)).replace(/@(?=(?:here|channel|everyone|group)\b)/gi, '@\u200b');
}

/**
 * Untrusted one-line text as an inline code span: no mention, link or formatting can come out of it.
 * `null`, `undefined` and `''` show as `fallback` (plain, trusted text).
 */
export function slackCode(value: string | null | undefined, max = 300, fallback = '_none_'): string {
  if (value === null || value === undefined || value === '') return fallback;
  return `\`${escapeMrkdwn(cut(flatten(value), max).replace(/`/g, BACKTICK_LOOKALIKE))}\``;
}

/** Untrusted multi-line text as a code block. */
export function slackCodeBlock(value: string, max = 2800): string {
  const body = escapeMrkdwn(cut(flattenKeepingLines(value), max).replace(/`/g, BACKTICK_LOOKALIKE));
  return `\`\`\`${body}\`\`\``;
}

/**
 * Cuts composed mrkdwn (already escaped) to `max` characters without leaving a half entity (`&am`) or an open code
 * span/block behind, ending with {@link CUT_MARKER}. Every backtick in composed text is ours (untrusted backticks
 * were replaced), so counting them tells whether a span is open.
 */
export function cutMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const reserve = CUT_MARKER.length + 4; // marker plus a closing ``` and a space
  let head = text.slice(0, Math.max(0, max - reserve));
  if (head.length > 0 && isHighSurrogate(head.charCodeAt(head.length - 1))) head = head.slice(0, -1);
  head = head.replace(/&[a-z#0-9]{0,5}$/i, '');
  const fences = head.split('```').length - 1;
  if (fences % 2 === 1) return `${head}${CUT_MARKER}\`\`\``;
  const ticks = head.replace(/```/g, '').split('`').length - 1;
  if (ticks % 2 === 1) return `${head}${CUT_MARKER}\``;
  return `${head}${CUT_MARKER}`;
}

/** Cuts escaped plain text (no code spans) to `max` without leaving half an entity, ending with {@link CUT_MARKER}. */
export function cutEscaped(text: string, max: number): string {
  if (text.length <= max) return text;
  let head = text.slice(0, Math.max(0, max - CUT_MARKER.length));
  if (head.length > 0 && isHighSurrogate(head.charCodeAt(head.length - 1))) head = head.slice(0, -1);
  return `${head.replace(/&[a-z#0-9]{0,5}$/i, '')}${CUT_MARKER}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
