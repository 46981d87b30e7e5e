/**
 * Memory stays flat on a large one-line CloudTrail log file: a 256 MiB `{"Records":[...]}` on one line (generated),
 * read in a process whose heap is capped at 128 MiB. The earlier reader held the line as one string and parsed it
 * whole (several times the file in memory), and crashed.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../support/corpus.js';

const COUNTER = fileURLToPath(new URL('./count-records.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'denial-flat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeOneLineLog(file: string, targetBytes: number): Promise<number> {
  const template = readJsonl('stratus-red-team-detonation-logs/denied.jsonl')[0]!;
  const out = createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  await write('{"Records":[');
  let written = 0;
  let count = 0;
  while (written < targetBytes) {
    const text = `${count > 0 ? ',' : ''}${JSON.stringify({ ...template, eventID: `flat-${count}` })}`;
    await write(text);
    written += text.length;
    count++;
  }
  await write(']}');
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return count;
}

describe('a 256 MiB one-line CloudTrail log file', () => {
  it('is read whole with a 128 MiB heap, peak memory far below the file size', async () => {
    const file = join(dir, 'one-line.json');
    const expected = await writeOneLineLog(file, 256 * 1024 * 1024);
    const result = spawnSync(process.execPath, ['--max-old-space-size=128', COUNTER, file], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const { records, errors, maxRssMiB } = JSON.parse(result.stdout);
    expect({ records, errors }).toEqual({ records: expected, errors: 0 });
    expect(maxRssMiB).toBeLessThan(256);
  }, 240_000);
});
