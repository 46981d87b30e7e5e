/**
 * Renders Slack app mode's incident thread to PNG on a 390 px phone (the HTML approximation of Slack's layout used by
 * render-slack-preview.ts, in headless Chromium): the parent with its status line and buttons, two escalations in
 * the thread, and an acknowledgement. Run after changing the layout, look at the picture, commit it:
 *
 *   npx tsx scripts/render-slack-thread.ts
 */
import { alertWithButtons, noteMessage, parentMessage, type AppMessage } from '../lambdas/core/responder/messages.js';
import type { SlackMessage } from '../lambdas/core/render/slack.js';
import { lambdaLogStreams } from '../test/render/alerts.js';
import { PHONE, slackHtml } from '../test/render/slack-html.js';
import { closeBrowser, screenshot } from '../test/support/browser.js';

const T = Date.parse('2026-12-05T08:59:00Z');
const first = lambdaLogStreams;
const second = { ...first, alertId: `${first.alertId}-2`, reason: 'escalation' as const, count: first.count * 12 };
const third = { ...first, alertId: `${first.alertId}-3`, reason: 'escalation' as const, count: first.count * 130 };
const incident = { fingerprint: first.fingerprint, channel: 'C0ALERTS01', parentTs: '1.1', startedMs: T, lastActivityMs: T + 40 * 60_000, alertCount: 3, latestCount: third.count, latestReason: 'escalation', acknowledgedBy: 'U0ALICE001', acknowledgedAtMs: T + 12 * 60_000, firstAlert: first };

/** The body of one rendered message (its `.message` div), and the page's head. */
function parts(message: AppMessage, time: string): { head: string; body: string } {
  const html = slackHtml(readable(message) as unknown as SlackMessage, time);
  return { head: html.slice(0, html.indexOf('<body>')), body: html.slice(html.indexOf('<body>') + 6, html.indexOf('</body>')) };
}

/** Slack shows `<!date^…|fallback>` in the reader's time zone and `<@U…>` as a name: the picture shows what a reader sees. */
function readable(message: AppMessage): AppMessage {
  return JSON.parse(JSON.stringify(message).replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1').replace(/<@U0ALICE001>/g, '@alice')) as AppMessage;
}

async function main(): Promise<void> {
  try {
    const parent = parts(parentMessage(first, incident), '08:59');
    const replies = [
      parts(alertWithButtons(second), '09:09'),
      parts(noteMessage(':eyes: <@U0ALICE001> acknowledged this incident.'), '09:11'),
      parts(alertWithButtons(third), '09:39'),
    ];
    const divider = '<div style="margin:8px 16px;padding:6px 0;border-top:1px solid #ddd;border-bottom:1px solid #ddd;font:700 13px sans-serif;color:#1264a3">3 replies · Thread</div>';
    const html = `${parent.head}<body>${parent.body}${divider}<div style="margin-left:16px;border-left:2px solid #e8e8e8">${replies.map((reply) => reply.body).join('')}</div></body></html>`;
    const path = 'docs/img/slack-thread-phone.png';
    const { height, consoleErrors } = await screenshot(html, path, { width: PHONE.width });
    if (consoleErrors.length > 0) throw new Error(`${path}: console errors: ${consoleErrors.join('; ')}`);
    console.log(`${path}  ${PHONE.width}x${height} CSS px`);
  } finally {
    await closeBrowser();
  }
}

await main();
