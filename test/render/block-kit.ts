/** Test helpers: Block Kit limits and a readable text form of a Slack message (for snapshots read by eye). */
import { expect } from 'vitest';
import { SLACK_LIMITS, type SlackMessage } from '../../lambdas/core/render/slack.js';

/** Every text object of a message, in order, with the top-level fallback first. */
export function allTexts(message: SlackMessage): string[] {
  return [
    message.text,
    ...message.blocks.flatMap((block) => {
      switch (block.type) {
        case 'header':
          return [block.text.text];
        case 'section':
          return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((field) => field.text)];
        case 'context':
          return block.elements.map((element) => element.text);
        case 'divider':
          return [];
      }
    }),
  ];
}

/** The message as text: each block (and each field) separated by a line of dashes. */
export function slackAsText(message: SlackMessage): string {
  const [text, ...rest] = allTexts(message);
  return `${[`text: ${text}`, ...rest].join('\n---\n')}\n`;
}

/** Asserts Block Kit's limits (and that every mrkdwn object is verbatim). */
export function expectWithinBlockKit(message: SlackMessage): void {
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  for (const block of message.blocks) {
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
