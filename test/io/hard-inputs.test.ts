/**
 * Inputs real users have that broke the reader (issue 15): each test fails on the reader before its fix.
 * Big inputs are generated on the fly; the streamed paths are exercised with a small fast-path size.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecords, readStream, type InputItem, type ReadOptions } from '../../lambdas/io/read-records.js';
import { readJsonl } from '../support/corpus.js';

const records = readJsonl('stratus-red-team-detonation-logs/denied.jsonl').slice(0, 3);
const ids = records.map((record) => record.eventID);
const BOM = '\uFEFF';
let dir: string;

async function collect(paths: string[], options: ReadOptions = {}): Promise<{ items: InputItem[]; warnings: string[] }> {
  const items: InputItem[] = [];
  const warnings: string[] = [];
  for await (const item of readRecords(paths, undefined, { ...options, onWarning: (warning) => warnings.push(warning) })) items.push(item);
  return { items, warnings };
}
const eventIds = (items: InputItem[]) => items.map((item) => (item.kind === 'record' ? item.record.eventID : `error: ${item.error}`));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'denial-hard-'));
  chmodSync(dir, 0o755);
});

describe('a UTF-8 byte-order mark', () => {
  it('before a pretty-printed CloudTrail log file loses no record', async () => {
    const file = join(dir, 'bom-pretty.json');
    writeFileSync(file, BOM + JSON.stringify({ Records: records }, null, 2));
    expect(eventIds((await collect([file])).items)).toEqual(ids);
  });

  it('before JSON lines and before a one-line gzip log file', async () => {
    writeFileSync(join(dir, 'bom-lines.jsonl'), BOM + records.map((record) => JSON.stringify(record)).join('\n'));
    writeFileSync(join(dir, 'bom-log.json.gz'), gzipSync(BOM + JSON.stringify({ Records: records })));
    expect(eventIds((await collect([join(dir, 'bom-lines.jsonl')])).items)).toEqual(ids);
    expect(eventIds((await collect([join(dir, 'bom-log.json.gz')])).items)).toEqual(ids);
  });
});

describe('symbolic links', () => {
  it('reads a linked file (pointing outside the tree), each real file once, and survives a directory loop', async () => {
    const outside = join(dir, 'outside.jsonl');
    writeFileSync(outside, records.map((record) => JSON.stringify(record)).join('\n'));
    const tree = join(dir, 'linked-tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    symlinkSync(outside, join(tree, 'a-link.jsonl'));
    symlinkSync(outside, join(tree, 'sub', 'same-again.jsonl'));
    symlinkSync(tree, join(tree, 'sub', 'loop'));
    symlinkSync(join(dir, 'nowhere.json'), join(tree, 'broken.json'));
    const { items, warnings } = await collect([tree]);
    const read = items.filter((item) => item.kind === 'record');
    expect(read.map((item) => item.kind === 'record' && item.record.eventID)).toEqual(ids);
    expect(items.filter((item) => item.kind === 'error').map((item) => item.kind === 'error' && item.error)).toEqual([
      expect.stringMatching(/broken\.json: ENOENT: a broken symbolic link/),
    ]);
    expect(warnings.join('\n')).toMatch(/same-again\.jsonl: already read/);
    expect(warnings.join('\n')).toMatch(/loop: directory already walked/);
  });
});

describe('empty input', () => {
  it('warns about an empty file and a file of blank lines, and reads the next file', async () => {
    writeFileSync(join(dir, 'empty.json'), '');
    writeFileSync(join(dir, 'blank.jsonl'), '\n\n  \r\n\n');
    writeFileSync(join(dir, 'one.jsonl'), JSON.stringify(records[0]));
    const { items, warnings } = await collect([join(dir, 'empty.json'), join(dir, 'blank.jsonl'), join(dir, 'one.jsonl')]);
    expect(eventIds(items)).toEqual([ids[0]]);
    expect(warnings).toEqual([expect.stringMatching(/empty\.json: empty$/), expect.stringMatching(/blank\.jsonl: no records, only 4 blank line\(s\)/)]);
  });

  it('gets through 256 MiB of empty lines (generated) and reports them instead of succeeding silently', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x0a);
    const source = Readable.from((function* () {
      for (let index = 0; index < 256; index++) yield chunk;
    })());
    const items: InputItem[] = [];
    const warnings: string[] = [];
    for await (const item of readStream(source, '-', { onWarning: (warning) => warnings.push(warning) })) items.push(item);
    expect(items).toEqual([]);
    expect(warnings).toEqual([`-: no records, only ${256 * 1024 * 1024} blank line(s)`]);
  }, 60_000);
});

describe('oversized lines and documents', () => {
  const fastPathBytes = 256 * 1024;

  it('streams a one-line {"Records": [...]} document past the fast-path size, every record with its index', async () => {
    const many = Array.from({ length: 400 }, (_, index) => ({ ...records[index % 3]!, eventID: `big-${index}` }));
    const file = join(dir, 'big-one-line.json');
    writeFileSync(file, `${JSON.stringify({ Records: many, extra: 'after the array' })}\n${JSON.stringify(records[0])}\n`);
    const { items } = await collect([file], { fastPathBytes });
    expect(items).toHaveLength(401);
    expect(items.slice(0, 400).map((item) => [item.kind === 'record' && item.record.eventID, item.location.index])).toEqual(many.map((record, index) => [record.eventID, index]));
    expect(items[400]).toMatchObject({ kind: 'record', location: { line: 2 } });
  });

  it('streams a large pretty-printed array and a large gzip log file', async () => {
    const many = Array.from({ length: 300 }, (_, index) => ({ ...records[index % 3]!, eventID: `pretty-${index}` }));
    writeFileSync(join(dir, 'big-pretty.json'), BOM + JSON.stringify(many, null, 2));
    writeFileSync(join(dir, 'big-log.json.gz'), gzipSync(JSON.stringify({ Records: many })));
    for (const name of ['big-pretty.json', 'big-log.json.gz']) {
      const { items } = await collect([join(dir, name)], { fastPathBytes });
      expect(items.map((item) => item.kind === 'record' && item.record.eventID)).toEqual(many.map((record) => record.eventID));
    }
  });

  it('caps a runaway line with a clear error and reads the lines after it', async () => {
    const file = join(dir, 'runaway.jsonl');
    writeFileSync(file, `${JSON.stringify(records[0])}\n${'x'.repeat(3 * fastPathBytes)}\n${JSON.stringify(records[1])}\n`);
    const { items } = await collect([file], { fastPathBytes });
    expect(eventIds(items)).toEqual([ids[0], expect.stringMatching(/^error: line longer than .* that is not a JSON document \(a runaway line\): skipped/), ids[1]]);
    expect(items[1]!.location.line).toBe(2);
  });

  it('stops a runaway value inside a streamed document with a clear error, after the records before it', async () => {
    const file = join(dir, 'runaway-value.json');
    writeFileSync(file, `{"Records":[${JSON.stringify(records[0])},{"eventID":"${'y'.repeat(3 * fastPathBytes)}"}]}\n${JSON.stringify(records[2])}`);
    const { items } = await collect([file], { fastPathBytes });
    expect(eventIds(items)).toEqual([ids[0], expect.stringMatching(/^error: a value longer than .* \(a runaway record\) after 1 record/), ids[2]]);
  });
});

describe('gzip', () => {
  it('stops a gzip bomb with a clear error and reads the next file', async () => {
    const bomb = join(dir, 'bomb.json.gz');
    const megabyte = Buffer.alloc(1024 * 1024, 0x20);
    await pipeline(
      Readable.from((function* () {
        for (let index = 0; index < 200; index++) yield megabyte;
      })()),
      createGzip({ level: 9 }),
      createWriteStream(bomb),
    );
    writeFileSync(join(dir, 'after-bomb.jsonl'), JSON.stringify(records[0]));
    const { items } = await collect([bomb, join(dir, 'after-bomb.jsonl')]);
    expect(eventIds(items)).toEqual([expect.stringMatching(/^error: cannot read .*bomb\.json\.gz: .*inflates more than 200 times its compressed size.*gzip bomb/), ids[0]]);
  }, 60_000);

  it('recognises gzip by its bytes, whatever the file name', async () => {
    writeFileSync(join(dir, 'gzipped-without-suffix.json'), gzipSync(records.map((record) => JSON.stringify(record)).join('\n')));
    expect(eventIds((await collect([join(dir, 'gzipped-without-suffix.json')])).items)).toEqual(ids);
  });

  it('reports a truncated gzip file and goes on', async () => {
    const whole = gzipSync(records.map((record) => JSON.stringify(record)).join('\n'));
    writeFileSync(join(dir, 'truncated.json.gz'), whole.subarray(0, whole.length - 12));
    writeFileSync(join(dir, 'after-truncated.jsonl'), JSON.stringify(records[2]));
    const { items } = await collect([join(dir, 'truncated.json.gz'), join(dir, 'after-truncated.jsonl')]);
    expect(items.at(-2)).toMatchObject({ kind: 'error', error: expect.stringMatching(/truncated\.json\.gz: unexpected end of file/) });
    expect(items.at(-1)).toMatchObject({ kind: 'record', record: { eventID: ids[2] } });
  });
});

describe('the dead-letter file of replay', () => {
  it('replays as is: kept records, unreadable lines that parse, and says what it cannot replay', async () => {
    const file = join(dir, 'denial-alerter-dead-letter.jsonl');
    writeFileSync(
      file,
      [
        { reason: 'not-stored', error: 'table gone', source: 'a.jsonl', line: 3, record: records[0] },
        { reason: 'unreadable', error: 'malformed JSON', source: 'b.jsonl', line: 9, raw: JSON.stringify(records[1]) },
        { reason: 'unreadable', error: 'malformed JSON', source: 'b.jsonl', line: 10, raw: '{"cut' },
        { reason: 'delivery-failed', channel: 'slack', error: '500', alert: { fingerprint: 'f' } },
      ]
        .map((entry) => JSON.stringify(entry))
        .join('\n'),
    );
    const { items } = await collect([file]);
    expect(eventIds(items)).toEqual([
      ids[0],
      ids[1],
      expect.stringMatching(/^error: dead-letter entry \(unreadable\): its original text is still not JSON/),
      expect.stringMatching(/^error: dead-letter entry \(delivery-failed\) holds an alert, not a record/),
    ]);
  });
});

describe('excluded files', () => {
  it('are skipped inside a directory and when named, with a warning', async () => {
    const tree = join(dir, 'with-output');
    mkdirSync(tree);
    writeFileSync(join(tree, 'in.jsonl'), JSON.stringify(records[0]));
    writeFileSync(join(tree, 'out.jsonl'), JSON.stringify(records[1]));
    const { items, warnings } = await collect([tree, join(tree, 'out.jsonl')], { exclude: [join(tree, 'out.jsonl')] });
    expect(eventIds(items)).toEqual([ids[0]]);
    expect(warnings).toEqual([expect.stringMatching(/out\.jsonl: skipped \(this run writes to it\)/), expect.stringMatching(/out\.jsonl: skipped/)]);
  });
});

describe('unreadable entries', () => {
  // Permissions do not stop root: as root, the CLI runs without the two capabilities that bypass them (setpriv, from
  // util-linux). It stays root, so it still reaches a checkout in a private directory (mktemp -d is 0700).
  const asRoot = process.getuid?.() === 0;
  const BIN = fileURLToPath(new URL('../../bin/denial-alerter.mjs', import.meta.url));
  const bounded = (args: string[]): [string, string[]] =>
    asRoot ? ['setpriv', ['--bounding-set', '-dac_override,-dac_read_search', '--', process.execPath, ...args]] : [process.execPath, args];

  it('an unreadable subdirectory and an unreadable file are reported, and the rest is read', () => {
    const tree = join(dir, 'locked-tree');
    mkdirSync(join(tree, 'a-locked'), { recursive: true });
    mkdirSync(join(tree, 'b-open'), { recursive: true });
    writeFileSync(join(tree, 'a-locked', 'hidden.jsonl'), JSON.stringify(records[0]));
    writeFileSync(join(tree, 'b-open', 'one.jsonl'), JSON.stringify(records[1]));
    writeFileSync(join(tree, 'c-secret.jsonl'), JSON.stringify(records[2]));
    writeFileSync(join(tree, 'd-open.jsonl'), JSON.stringify(records[0]));
    chmodSync(tree, 0o755);
    chmodSync(join(tree, 'b-open'), 0o755);
    chmodSync(join(tree, 'b-open', 'one.jsonl'), 0o644);
    chmodSync(join(tree, 'd-open.jsonl'), 0o644);
    chmodSync(join(tree, 'a-locked'), 0o000);
    chmodSync(join(tree, 'c-secret.jsonl'), 0o000);
    const result = spawnSync(...bounded([BIN, 'explain', '--json', tree]), { encoding: 'utf8', env: { ...process.env, HOME: dir } });
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.eventId ?? line.error)).toEqual([
      expect.stringMatching(/cannot read directory .*a-locked: EACCES: permission denied/),
      ids[1],
      expect.stringMatching(/cannot read .*c-secret\.jsonl: EACCES: permission denied/),
      ids[0],
    ]);
    expect(result.status).toBe(1);
  }, 60_000);
});
