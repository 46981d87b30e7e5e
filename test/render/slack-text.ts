/** A readable text form of a Slack message (for snapshots read by eye and the preview script); no test framework here. */
import type { SlackBlock, SlackMessage } from '../../lambdas/core/render/slack.js';

/** Every block of a message: the top-level ones, then each attachment's. */
export function allBlocks(message: SlackMessage): SlackBlock[] {
  return [...message.blocks, ...(message.attachments ?? []).flatMap((attachment) => attachment.blocks)];
}

/** Every text object of a message, in order, with the top-level fallback first (buttons as `[label](url)`). */
export function allTexts(message: SlackMessage): string[] {
  return [
    message.text,
    ...allBlocks(message).flatMap((block): string[] => {
      switch (block.type) {
        case 'header':
          return [block.text.text];
        case 'section':
          return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((field) => field.text)];
        case 'context':
          return block.elements.map((element) => element.text);
        case 'actions':
          return [block.elements.map((element) => `[${element.text.text}](${element.url})`).join(' ')];
        case 'divider':
          return [];
      }
    }),
  ];
}

/** The message as text: each block (and each field) separated by a line of dashes; the attachment after `===`. */
export function slackAsText(message: SlackMessage): string {
  const [text, ...rest] = allTexts(message);
  const top = rest.slice(0, message.blocks.length);
  const attached = rest.slice(message.blocks.length);
  const colour = message.attachments?.[0]?.color;
  return `${[`text: ${text}`, ...top].join('\n---\n')}${attached.length > 0 ? `\n=== attachment, colour bar ${colour}\n${attached.join('\n---\n')}` : ''}\n`;
}

