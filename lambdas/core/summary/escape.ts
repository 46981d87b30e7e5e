/**
 * Untrusted text (user agents, session names, error messages, request parameters) made safe for Slack mrkdwn.
 *
 * Slack turns `<!channel>`, `<@U123>` and `<https://…|text>` into mentions and links, and `*`, `_`, `~`, `` ` `` into
 * formatting. Escaping `&`, `<`, `>` (Slack's own rule) stops mentions and links; showing the value inside a code span
 * stops formatting, and a backtick in the value is replaced so that it cannot close the span.
 */

/** The marker left where a value was cut. */
export const CUT_MARKER = '…(cut)';

/** Cuts a string to at most `max` characters, ending with the cut marker when anything was removed. */
export function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, Math.max(0, max - CUT_MARKER.length))}${CUT_MARKER}`;
}

/** Escapes Slack's control characters (`&`, `<`, `>`). */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Untrusted text as an inline code span: no mention, link or formatting can come out of it. */
export function untrustedInline(value: string | null | undefined, max = 300): string {
  if (value === null || value === undefined || value === '') return '_none_';
  const flat = value.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/`/g, 'ˋ');
  return `\`${escapeMrkdwn(cut(flat, max))}\``;
}

/** Untrusted multi-line text as a code block. */
export function untrustedBlock(value: string, max = 2800): string {
  const safe = value.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').replace(/`/g, 'ˋ');
  return `\`\`\`${escapeMrkdwn(cut(safe, max))}\`\`\``;
}
