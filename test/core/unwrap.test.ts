/**
 * `aws cloudtrail lookup-events` output (`{"Events": [{…, "CloudTrailEvent": "<JSON string>"}], "NextToken"}`), built
 * from real corpus records the way the CLI prints them, read by the same unwrapping `explain` and `replay` use.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { splitJsonSequence, unwrapDocument } from '../../lambdas/core/unwrap.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { readRecords } from '../../lambdas/io/read-records.js';
import { readJsonl } from '../support/corpus.js';

const real = readJsonl('stratus-red-team-detonation-logs/all_events.jsonl').slice(0, 12);

/** One entry as `lookup-events` prints it: a summary and the record as a JSON string. */
const lookupEvent = (record: CloudTrailRecord) => ({
  EventId: record.eventID,
  EventName: record.eventName,
  ReadOnly: String(record.readOnly ?? false),
  EventTime: record.eventTime,
  EventSource: record.eventSource,
  Username: 'x',
  Resources: [],
  CloudTrailEvent: JSON.stringify(record),
});
const page = (records: CloudTrailRecord[], next?: string) => ({ Events: records.map(lookupEvent), ...(next ? { NextToken: next } : {}) });
const recordsOf = (unwrapped: ReturnType<typeof unwrapDocument>) => unwrapped.map((entry) => ('record' in entry ? entry.record : entry));

describe('lookup-events output', () => {
  it('one page: every CloudTrailEvent becomes its record, in order', () => {
    expect(recordsOf(unwrapDocument(page(real, 'token')))).toEqual(real);
  });

  it('an array of pages (`jq -s` over paged output): records in order, indexed across pages', () => {
    const unwrapped = unwrapDocument([page(real.slice(0, 5), 't1'), page(real.slice(5))]);
    expect(recordsOf(unwrapped)).toEqual(real);
    expect(unwrapped.map((entry) => entry.index)).toEqual(real.map((_, index) => index));
  });

  it('one Events[] entry alone (`jq -c .Events[]`)', () => {
    expect(unwrapDocument(lookupEvent(real[0]!))).toEqual([{ record: real[0] }]);
  });

  it('says which entry is unreadable and goes on', () => {
    const broken = page(real.slice(0, 2));
    broken.Events[0]!.CloudTrailEvent = '{"eventID": ';
    const unwrapped = unwrapDocument(broken);
    expect(unwrapped[0]).toMatchObject({ error: expect.stringContaining(`lookup-events entry ${real[0]!.eventID}: "CloudTrailEvent" is not valid JSON`) });
    expect(unwrapped[1]).toMatchObject({ record: real[1] });
    expect(unwrapDocument({ Events: [{ EventId: 'e', CloudTrailEvent: 5 }] })[0]).toMatchObject({ error: expect.stringContaining('not a JSON string') });
  });

  it('a record that happens to have an "Events" field stays a record', () => {
    const record = { ...real[0]!, Events: [] };
    expect(unwrapDocument(record)).toEqual([{ record }]);
  });

  describe('through the readers explain and replay use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookup-events-'));
    const read = async (text: string) => {
      const path = join(dir, `page-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(path, text);
      const out: unknown[] = [];
      for await (const item of readRecords([path], Readable.from([]))) out.push(item.kind === 'record' ? item.record : item);
      return out;
    };

    it('the CLI\'s pretty-printed page', async () => {
      expect(await read(JSON.stringify(page(real, 'next'), null, 4))).toEqual(real);
    });

    it('pages one per line (`--output json | jq -c` per page)', async () => {
      expect(await read(`${JSON.stringify(page(real.slice(0, 4), 'a'))}\n${JSON.stringify(page(real.slice(4)))}\n`)).toEqual(real);
    });

    it('pretty-printed pages appended to one file (`lookup-events` run page by page into one file)', async () => {
      const pages = `${JSON.stringify(page(real.slice(0, 5), 'next'), null, 4)}\n${JSON.stringify(page(real.slice(5)), null, 4)}\n`;
      expect(await read(pages)).toEqual(real);
    });

    it('classifies the denials of a lookup-events page like the records themselves', async () => {
      const denials = readJsonl('stratus-red-team-detonation-logs/denied.jsonl').slice(0, 5);
      const records = (await read(JSON.stringify(page(denials), null, 2))) as CloudTrailRecord[];
      expect(records.map((record) => classify(record))).toEqual(denials.map((record) => classify(record)));
    });
  });
});

describe('splitJsonSequence: lookup-events pages appended to one file', () => {
  it('splits pretty-printed pages into documents, with their first lines, and each unwraps to its records', () => {
    const pages = `${JSON.stringify(page(real.slice(0, 5), 'next'), null, 4)}\n${JSON.stringify(page(real.slice(5)), null, 4)}\n`;
    const items = splitJsonSequence(pages)!;
    expect(items.map((item) => item.line)).toEqual([1, JSON.stringify(page(real.slice(0, 5), 'next'), null, 4).split('\n').length + 1]);
    expect(items.flatMap((item) => ('value' in item ? recordsOf(unwrapDocument(item.value)) : []))).toEqual(real);
  });

  it('keeps braces and quotes inside strings (CloudTrailEvent is JSON text) out of the nesting', () => {
    const tricky = [{ a: '}{"]["\\"' }, { b: ['x}'] }];
    expect(splitJsonSequence(tricky.map((value) => JSON.stringify(value, null, 2)).join('\n'))!.map((item) => ('value' in item ? item.value : item))).toEqual(tricky);
  });

  it('is not a sequence: one document, text between documents, a stray closing bracket', () => {
    expect(splitJsonSequence(JSON.stringify(page(real), null, 2))).toBeNull();
    expect(splitJsonSequence('{"a":1}\nhello\n{"b":2}')).toBeNull();
    expect(splitJsonSequence('{"a":1}]{"b":2}')).toBeNull();
  });

  it('reports a cut last document and a malformed one, keeping the others', () => {
    const items = splitJsonSequence('{"a":1}\n{"b":,}\n{"c":')!;
    expect(items).toEqual([{ value: { a: 1 }, line: 1 }, { error: expect.stringContaining('malformed JSON'), line: 2 }, { error: 'malformed JSON: the last document is cut short', line: 3 }]);
  });
});
