import { afterAll, describe, expect, it } from 'vitest';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { SEVERITY_STYLE } from '../../lambdas/core/render/severity.js';
import { closeBrowser, documentHeight, withPage } from '../support/browser.js';
import { ec2Everything, ec2GetPasswordData, lambdaLogStreams, stsAssumeRole } from './alerts.js';
import { PHONE, slackHtml } from './slack-html.js';

afterAll(closeBrowser);

describe('Slack on a phone (an HTML approximation of Slack, rendered by headless Chromium at 390 px)', () => {
  it('a typical alert fits one phone screen, shows the fix first and its severity colour, with no console error', async () => {
    const { result, consoleErrors } = await withPage(
      slackHtml(buildSlackMessage(lambdaLogStreams)),
      async (page) => ({
        height: await documentHeight(page),
        bar: (await page.evaluate(`getComputedStyle(document.querySelector('.attachment')).borderLeftColor`)) as string,
        firstText: (await page.evaluate(`document.querySelector('.section').innerText`)) as string,
        overflowing: (await page.evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`)) as boolean,
      }),
      { width: PHONE.width, height: PHONE.height },
    );
    expect(consoleErrors).toEqual([]);
    expect(result.height).toBeGreaterThan(300);
    expect(result.height).toBeLessThanOrEqual(PHONE.height);
    expect(result.overflowing).toBe(false);
    expect(result.firstText).toMatch(/^Fix: add to an identity-based policy of role\/orders-api-handler-role:/);
    expect(result.bar).toBe(hexToRgb(SEVERITY_STYLE.low.colour));
  });

  it('an alert to investigate leads with the reasons; its first screen holds who, what and when', async () => {
    const { result, consoleErrors } = await withPage(
      slackHtml(buildSlackMessage(ec2Everything)),
      async (page) => ({
        lead: (await page.evaluate(`document.querySelector('.section').innerText`)) as string,
        whenBottom: (await page.evaluate(`(() => { const b = [...document.querySelectorAll('b')].find((node) => node.textContent === 'When'); return b.getBoundingClientRect().bottom; })()`)) as number,
      }),
      { width: PHONE.width, height: PHONE.height },
    );
    expect(consoleErrors).toEqual([]);
    expect(result.lead).toMatch(/^🚨 Investigate before granting · critical/);
    expect(result.whenBottom).toBeLessThan(PHONE.height);
  });

  it('alerts to investigate stay near one screen: the verify command waits for SNS and the terminal, the decoding is small print', async () => {
    const heights: Record<string, number> = {};
    for (const [name, alert] of Object.entries({ ec2Everything, ec2GetPasswordData, stsAssumeRole })) {
      const { result, consoleErrors } = await withPage(slackHtml(buildSlackMessage(alert)), (page) => documentHeight(page), { width: PHONE.width, height: PHONE.height });
      expect(consoleErrors).toEqual([]);
      heights[name] = result;
    }
    // Measured before: 1.39, 1.40 and 1.63 screens. The decode command (required in Slack) and, for the third, four
    // reasons and "what changed" keep them above one.
    expect(heights.ec2GetPasswordData).toBeLessThanOrEqual(PHONE.height * 1.15);
    expect(heights.stsAssumeRole).toBeLessThanOrEqual(PHONE.height * 1.15);
    expect(heights.ec2Everything).toBeLessThanOrEqual(PHONE.height * 1.35);
    const message = JSON.stringify(buildSlackMessage(ec2Everything));
    expect(message).toContain('verify command: SNS, terminal');
    expect(message).not.toContain('simulate-principal-policy');
    expect(message).toContain('aws sts decode-authorization-message');
  });
});

function hexToRgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}
