/**
 * Renders the Slack form of reviewed alerts to PNG (an HTML approximation of Slack's layout in Debian's headless
 * Chromium), at a phone's width and a desktop's, into docs/img/. Run after changing the Slack layout, look at the
 * pictures, commit them:
 *
 *   npx tsx scripts/render-slack-preview.ts
 */
import { operationsNoticeOf, operationsSlackMessage } from '../lambdas/core/render/operations-notice.js';
import { buildSlackMessage } from '../lambdas/core/render/slack.js';
import { handlerErrorsAlarm } from '../test/render/operations-alarms.js';
import { ec2Everything, lambdaLogStreams } from '../test/render/alerts.js';
import { DESKTOP, PHONE, slackHtml } from '../test/render/slack-html.js';
import { closeBrowser, screenshot } from '../test/support/browser.js';

const PREVIEWS = [
  { name: 'typical', message: () => buildSlackMessage(lambdaLogStreams), time: '08:59' },
  { name: 'investigate', message: () => buildSlackMessage(ec2Everything), time: '21:31' },
  { name: 'alarm', message: () => operationsSlackMessage(operationsNoticeOf(handlerErrorsAlarm)), time: '10:05' },
] as const;

async function main(): Promise<void> {
  try {
    for (const preview of PREVIEWS) {
      const html = slackHtml(preview.message(), preview.time);
      for (const [form, width] of [['phone', PHONE.width], ['desktop', DESKTOP.width]] as const) {
        const path = `docs/img/slack-${preview.name}-${form}.png`;
        const { height, consoleErrors } = await screenshot(html, path, { width });
        if (consoleErrors.length > 0) throw new Error(`${path}: console errors: ${consoleErrors.join('; ')}`);
        console.log(`${path}  ${width}x${height} CSS px${form === 'phone' ? ` (${height <= PHONE.height ? 'fits' : 'does not fit'} one ${PHONE.height} px screen)` : ''}`);
      }
    }
  } finally {
    await closeBrowser();
  }
}

await main();
