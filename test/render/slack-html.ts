/**
 * An HTML approximation of how Slack shows a Block Kit message (for PNG previews in docs/ and the phone-screen test):
 * Slack's fonts and sizes, the app's avatar column, the header, mrkdwn (bold, italic, code spans, code blocks, links),
 * the attachment's colour bar, link buttons and context lines. Not Slack itself: close enough to judge length and
 * order on a phone. No test framework here (the preview script uses it too).
 */
import type { SlackBlock, SlackMessage } from '../../lambdas/core/render/slack.js';

/** An iPhone 14/15 screen in CSS pixels, and the part of it Slack leaves for messages (channel header, composer). */
export const PHONE = { width: 390, height: 844, messageArea: 844 - 190 } as const;
/** A desktop Slack window's message column. */
export const DESKTOP = { width: 900 } as const;

/** Mrkdwn (already entity-escaped by the renderer) to HTML. */
export function mrkdwnToHtml(text: string): string {
  const parts = text.split('```');
  return parts
    .map((part, index) => {
      if (index % 2 === 1) return `<pre>${part}</pre>`;
      return part
        .split('`')
        .map((piece, inner) => (inner % 2 === 1 ? `<code>${piece}</code>` : inline(piece)))
        .join('');
    })
    .join('')
    .replace(/<\/pre>\n/g, '</pre>')
    .replace(/\n/g, '<br>');
}

function inline(text: string): string {
  return text
    .replace(/&lt;(https:[^|&]*?)\|([^&]*?)&gt;/g, '<a href="$1">$2</a>')
    .replace(/<(https:[^|>]*)\|([^>]*)>/g, '<a href="$1">$2</a>')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;])/g, '$1<i>$2</i>');
}

function blockHtml(block: SlackBlock): string {
  switch (block.type) {
    case 'header':
      return `<div class="header">${block.text.text}</div>`;
    case 'section':
      return `<div class="section">${block.text ? mrkdwnToHtml(block.text.text) : ''}${block.fields ? `<div class="fields">${block.fields.map((field) => `<div>${mrkdwnToHtml(field.text)}</div>`).join('')}</div>` : ''}</div>`;
    case 'context':
      return `<div class="context">${block.elements.map((element) => mrkdwnToHtml(element.text)).join(' ')}</div>`;
    case 'actions':
      return `<div class="actions">${block.elements.map((element) => `<a class="button" href="${element.url}">${element.text.text}</a>`).join('')}</div>`;
    case 'divider':
      return '<hr>';
  }
}

const CSS = `
* { box-sizing: border-box; }
body { margin: 0; padding: 12px 16px; font: 15px/1.4667 -apple-system, "Lato", "Helvetica Neue", "Noto Sans", Arial, sans-serif; color: #1d1c1d; background: #fff; }
.message { display: flex; gap: 8px; }
.avatar { flex: 0 0 36px; height: 36px; border-radius: 6px; background: #4a154b; color: #fff; font-weight: 700; display: flex; align-items: center; justify-content: center; font-size: 13px; }
.body { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
.sender { font-weight: 900; } .sender small { font-weight: 400; color: #616061; font-size: 12px; margin-left: 4px; }
.app { background: #dddddd; color: #616061; font-size: 10px; font-weight: 700; padding: 0 3px; border-radius: 2px; margin-left: 4px; }
.header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 4px 0; }
.section { margin: 4px 0; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 12px; }
code { font: 12px/1.5 Monaco, Menlo, Consolas, "Courier New", monospace; color: #e01e5a; background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 3px; padding: 0 2px; word-break: break-all; }
pre { font: 12px/1.5 Monaco, Menlo, Consolas, "Courier New", monospace; background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 4px; padding: 6px 8px; margin: 4px 0; white-space: pre-wrap; word-break: break-all; }
a { color: #1264a3; text-decoration: none; }
.attachment { border-left: 4px solid var(--bar); border-radius: 4px 0 0 4px; padding: 0 0 0 12px; margin: 6px 0 2px; }
.context { font-size: 12px; color: #616061; margin: 6px 0; }
.context code { font-size: 11px; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.button { border: 1px solid rgba(29,28,29,.3); border-radius: 4px; padding: 3px 12px; font-size: 13px; font-weight: 700; color: #1d1c1d; }
`;

/** A full HTML page showing `message` as Slack would, posted by the Denial Alerter app at `time`. */
export function slackHtml(message: SlackMessage, time = '21:31'): string {
  const top = message.blocks.map(blockHtml).join('');
  const attachments = (message.attachments ?? []).map((attachment) => `<div class="attachment" style="--bar: ${attachment.color}">${attachment.blocks.map(blockHtml).join('')}</div>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><style>${CSS}</style></head><body><div class="message"><div class="avatar">DA</div><div class="body"><div class="sender">Denial Alerter<span class="app">APP</span><small>${time}</small></div>${top}${attachments}</div></div></body></html>`;
}
