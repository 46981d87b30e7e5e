/** Test helpers: Block Kit limits and a readable text form of a Slack message (for snapshots read by eye). */
import { expect } from 'vitest';
import { SLACK_LIMITS, type SlackMessage } from '../../lambdas/core/render/slack.js';
import { allBlocks } from './slack-text.js';

export { allBlocks, allTexts, slackAsText } from './slack-text.js';

/** Asserts Block Kit's limits (and that every mrkdwn object is verbatim). */
export function expectWithinBlockKit(message: SlackMessage): void {
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(allBlocks(message).length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  for (const attachment of message.attachments ?? []) expect(attachment.color).toMatch(/^#[0-9a-f]{6}$/);
  for (const block of allBlocks(message)) {
    if (block.type === 'actions') {
      expect(block.elements.length).toBeGreaterThan(0);
      for (const element of block.elements) {
        expect(element.url).toMatch(/^https:\/\//);
        expect(element.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
      }
    }
    if (block.type === 'header') {
      expect(block.text.type).toBe('plain_text');
      expect(block.text.text.length).toBeGreaterThan(0);
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    }
    if (block.type === 'section') {
      expect(block.text ?? block.fields).toBeDefined();
      if (block.text) {
        expect(block.text.text.length).toBeGreaterThan(0);
        expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        expect(block.text.verbatim).toBe(true);
      }
      expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const field of block.fields ?? []) {
        expect(field.text.length).toBeGreaterThan(0);
        expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
        expect(field.verbatim).toBe(true);
      }
    }
    if (block.type === 'context') {
      expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
      for (const element of block.elements) expect(element.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
  }
}

/** Splits mrkdwn into the parts outside code spans/blocks (where Slack formats and parses). */
export function outsideCode(mrkdwn: string): string[] {
  return mrkdwn.split('```').flatMap((part, index) => (index % 2 === 1 ? [] : part.split('`').filter((_, inner) => inner % 2 === 0)));
}
