/**
 * The `history` table on a terminal (cli-table3), fitted to the terminal's width: fixed columns keep their size, the
 * ARN columns share the rest, and a long ARN is shortened in its middle so both its account and its name show.
 */
import Table from 'cli-table3';
import { shortenMiddle, terminalSafe, type Style } from '../terminal/style.js';

interface Column {
  key: string;
  title: string;
  /** Never narrower than this (after shrinking). */
  min: number;
  /** Never wider than this. */
  max: number;
  show?: (item: Record<string, unknown>) => string;
}

const COLUMNS: readonly Column[] = [
  { key: 'eventTime', title: 'time (UTC)', min: 16, max: 16, show: (item) => String(item.eventTime ?? '-').replace('T', ' ').slice(0, 16) },
  { key: 'principalArn', title: 'principal', min: 24, max: 90 },
  { key: 'action', title: 'action', min: 20, max: 48 },
  { key: 'resource', title: 'resource', min: 14, max: 90 },
  { key: 'denyLayer', title: 'layer', min: 15, max: 20 },
  { key: 'sourceIp', title: 'source IP', min: 15, max: 39 },
];
/** Dropped, in this order, when even the narrowest columns do not fit. */
const OPTIONAL = ['sourceIp', 'denyLayer', 'resource'];
const GAP = 2;

/** Renders stored denials as a table at most `width` characters wide. */
export function renderHistoryTable(items: ReadonlyArray<Record<string, unknown>>, width: number, style: Style): string {
  let columns: readonly Column[] = COLUMNS;
  for (const key of OPTIONAL) {
    if (columns.reduce((sum, column) => sum + column.min, 0) + GAP * (columns.length - 1) <= width) break;
    columns = columns.filter((column) => column.key !== key);
  }
  return renderColumns(items, columns, width, style);
}

function renderColumns(items: ReadonlyArray<Record<string, unknown>>, COLUMNS: readonly Column[], width: number, style: Style): string {
  const cells = items.map((item) => COLUMNS.map((column) => terminalSafe(column.show ? column.show(item) : (item[column.key] ?? '-'))));
  const available = width - GAP * (COLUMNS.length - 1);
  const natural = COLUMNS.map((column, index) => Math.min(column.max, Math.max(column.title.length, ...cells.map((row) => [...row[index]!].length))));
  // Each column's own minimum first; on a very narrow terminal, down to a few characters each.
  const widths = fitColumns(fitColumns(natural, COLUMNS.map((column) => column.min), available), COLUMNS.map(() => 5), available);
  const table = new Table({
    head: COLUMNS.map((column, index) => style.bold(shortenMiddle(column.title, widths[index]!))),
    colWidths: widths,
    wordWrap: false,
    truncate: '…',
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: ' '.repeat(GAP),
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const row of cells) {
    table.push(row.map((cell, index) => (index === 0 ? style.dim(cell) : shortenMiddle(cell, widths[index]!))));
  }
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}

/**
 * Shrinks the widest columns, one character at a time, until the total fits `available` (never below each minimum).
 */
export function fitColumns(natural: readonly number[], minimum: readonly number[], available: number): number[] {
  const widths = [...natural];
  let total = widths.reduce((sum, width) => sum + width, 0);
  while (total > available) {
    let widest = -1;
    for (let index = 0; index < widths.length; index++) {
      if (widths[index]! > minimum[index]! && (widest < 0 || widths[index]! > widths[widest]!)) widest = index;
    }
    if (widest < 0) break;
    widths[widest]!--;
    total--;
  }
  return widths;
}
