/**
 * Colour for terminal output (picocolors), decided per stream: on for a terminal, off for pipes and files, off when
 * `NO_COLOR` is set (any value, https://no-color.org), forced on by `FORCE_COLOR` (not "0"), off for `TERM=dumb`.
 */
import picocolors from 'picocolors';
import { flatten } from '../core/render/escape.js';

/** The colour functions used by the CLI (identity functions when colour is off). */
export type Style = ReturnType<typeof picocolors.createColors>;

/** True when output to `stream` should be coloured. */
export function colourEnabled(stream: unknown, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return Boolean((stream as { isTTY?: boolean }).isTTY);
}

/** Colour functions for one stream. */
export function styleFor(stream: unknown, env: NodeJS.ProcessEnv): Style {
  return picocolors.createColors(colourEnabled(stream, env));
}

/** True when the stream is a terminal (tables and human forms there, JSON lines otherwise). */
export function isTerminal(stream: unknown): boolean {
  return Boolean((stream as { isTTY?: boolean }).isTTY);
}

/** Untrusted text made safe for a terminal: control characters (escape sequences included) become spaces. */
export function terminalSafe(value: unknown): string {
  return flatten(String(value ?? ''));
}

/**
 * Shortens text to `max` characters by cutting its middle (`arn:aws:iam::123…/deploy-role`): both the account and
 * the name at the end of an ARN stay readable.
 */
export function shortenMiddle(value: string, max: number): string {
  const chars = [...value];
  if (chars.length <= max) return value;
  if (max <= 1) return '…'.slice(0, max);
  const keepEnd = Math.ceil((max - 1) / 2);
  const keepStart = max - 1 - keepEnd;
  return `${chars.slice(0, keepStart).join('')}…${chars.slice(chars.length - keepEnd).join('')}`;
}
