import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecordBatches, readRecords, type InputItem } from '../../lambdas/io/read-records.js';
import { readJsonl } from '../support/corpus.js';

const records = readJsonl('stratus-red-team-detonation-logs/denied.jsonl').slice(0, 3);
const ids = records.map((record) => record.eventID);
let dir: string;

async function collect(paths: string[], stdin?: Readable): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for await (const item of readRecords(paths, stdin)) items.push(item);
  return items;
}
const eventIds = (items: InputItem[]) => items.map((item) => (item.kind === 'record' ? item.record.eventID : item.error));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'denial-reader-'));
  const logFile = JSON.stringify({ Records: records });
  writeFileSync(join(dir, 'log.json'), logFile);
  writeFileSync(join(dir, 'log.json.gz'), gzipSync(logFile));
  writeFileSync(join(dir, 'array.json'), JSON.stringify(records, null, 2));
  writeFileSync(join(dir, 'lines.jsonl'), records.map((record) => JSON.stringify(record)).join('\n'));
  const envelope = (record: object) => ({ version: '0', id: 'x', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2', detail: record });
  writeFileSync(join(dir, 'eventbridge.jsonl'), records.map((record) => JSON.stringify(envelope(record))).join('\n'));
  mkdirSync(join(dir, 'tree/2024/07'), { recursive: true });
  writeFileSync(join(dir, 'tree/2024/07/b.json.gz'), gzipSync(JSON.stringify({ Records: records.slice(1) })));
  writeFileSync(join(dir, 'tree/2024/a.jsonl'), JSON.stringify(records[0]));
  writeFileSync(join(dir, 'tree/README.txt'), 'not read');
  writeFileSync(
    join(dir, 'bad.jsonl'),
    [JSON.stringify(records[0]), '{"eventID": "cut', '42', JSON.stringify({ hello: 'world' }), JSON.stringify({ 'detail-type': 'EC2 Instance State-change Notification', detail: {} }), JSON.stringify(records[1])].join('\n'),
  );
});

describe('readRecords', () => {
  it.each(['log.json', 'log.json.gz', 'array.json', 'lines.jsonl', 'eventbridge.jsonl'])('reads %s', async (name) => {
    const items = await collect([join(dir, name)]);
    expect(eventIds(items)).toEqual(ids);
  });

  it('reads text beyond ASCII as UTF-8 (whole files, gzip and JSON lines alike) and a malformed byte as U+FFFD', async () => {
    const names = { userName: 'Zoë 日本 🚀', malformed: 'a\u00ffb' };
    const text = JSON.stringify({ Records: [{ ...records[0], userAgent: names.userName }, { ...records[1], userAgent: 'PLACEHOLDER' }] });
    const bytes = Buffer.from(text, 'utf8');
    // A lone 0xFF (never valid in UTF-8) where PLACEHOLDER's first byte was.
    bytes[bytes.indexOf('PLACEHOLDER')] = 0xff;
    writeFileSync(join(dir, 'utf8.json'), bytes);
    writeFileSync(join(dir, 'utf8.json.gz'), gzipSync(bytes));
    writeFileSync(join(dir, 'utf8.jsonl'), `${JSON.stringify({ ...records[2], userAgent: names.userName })}\n`);
    for (const name of ['utf8.json', 'utf8.json.gz']) {
      const agents = (await collect([join(dir, name)])).map((item) => (item.kind === 'record' ? item.record.userAgent : item.error));
      expect(agents).toEqual([names.userName, '\ufffdLACEHOLDER']);
    }
    const line = await collect([join(dir, 'utf8.jsonl')]);
    expect(line[0]!.kind === 'record' && line[0]!.record.userAgent).toBe(names.userName);
  });

  it('walks a directory recursively in sorted order, reading only JSON and gzip files', async () => {
    const items = await collect([join(dir, 'tree')]);
    // tree/2024/07/b.json.gz sorts before tree/2024/a.jsonl
    expect(eventIds(items)).toEqual([ids[1], ids[2], ids[0]]);
  });

  it('locates records: line for JSON lines, line and index inside a document', async () => {
    const lines = await collect([join(dir, 'lines.jsonl')]);
    expect(lines.map((item) => item.location.line)).toEqual([1, 2, 3]);
    const log = await collect([join(dir, 'log.json')]);
    expect(log.map((item) => item.location.index)).toEqual([0, 1, 2]);
  });

  it('reports each unreadable item with its line and goes on', async () => {
    const items = await collect([join(dir, 'bad.jsonl')]);
    expect(items.map((item) => item.kind)).toEqual(['record', 'error', 'error', 'error', 'error', 'record']);
    const errors = items.filter((item) => item.kind === 'error');
    expect(errors.map((item) => item.location.line)).toEqual([2, 3, 4, 5]);
    expect(errors[0]!.error).toMatch(/malformed JSON/);
    expect(errors[1]!.error).toMatch(/not a CloudTrail record: a JSON number/);
    expect(errors[2]!.error).toMatch(/no eventSource, eventName or eventID/);
    expect(errors[3]!.error).toMatch(/unsupported EventBridge detail-type "EC2 Instance State-change Notification"/);
  });

  it('reports a missing path and goes on to the next', async () => {
    const items = await collect([join(dir, 'nope.json'), join(dir, 'lines.jsonl')]);
    expect(items[0]).toMatchObject({ kind: 'error', error: expect.stringMatching(/cannot read .*nope\.json: ENOENT/) });
    expect(items.slice(1).map((item) => item.kind)).toEqual(['record', 'record', 'record']);
  });

  it('hands out a line from a pipe that stays open as soon as its line feed arrives', async () => {
    const pipe = new PassThrough();
    const batches = readRecordBatches(['-'], pipe)[Symbol.asyncIterator]();
    pipe.write(`${JSON.stringify(records[0])}\n`);
    // Nothing more is written until the line is handed out: a reader waiting for more input never answers.
    const first = await Promise.race([batches.next(), new Promise<'held back'>((resolve) => setTimeout(() => resolve('held back'), 5_000))]);
    expect(first).not.toBe('held back');
    expect(eventIds((first as IteratorResult<InputItem[]>).value)).toEqual([ids[0]]);
    pipe.end();
    expect((await batches.next()).done).toBe(true);
  });

  it('reads standard input for "-"', async () => {
    const items = await collect(['-'], Readable.from([records.map((record) => JSON.stringify(record)).join('\n')]));
    expect(eventIds(items)).toEqual(ids);
  });
});
