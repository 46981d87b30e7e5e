/**
 * The skim of CloudTrail log files (lambdas/io/skim-log-file.ts) against `JSON.parse`, its reference: it accepts
 * exactly the texts the parser accepts (of the shape it reads), its record boundaries and fields are the parser's, and
 * a replay read with it keeps, counts and reports exactly what a read that parses everything does.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readRecordBatches } from '../../lambdas/io/read-records.js';
import { EventNameSet, skimLogFile, type SkimmedLogFile } from '../../lambdas/io/skim-log-file.js';
import { createCandidateStage, type CandidateBatch } from '../../lambdas/replay/candidate-stage.js';
import { readJsonl } from '../support/corpus.js';

const stratus = readJsonl('stratus-red-team-detonation-logs/all_events.jsonl');
const panther = [...readJsonl('panther-analysis-test-fixtures/denied.jsonl'), ...readJsonl('panther-analysis-test-fixtures/negatives.jsonl')];

/** The shape the skim reads: one object whose only member is `Records`, an array of objects. */
function isLogFileShape(value: unknown): value is { Records: Array<Record<string, unknown>> } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const records = (value as { Records?: unknown }).Records;
  return keys.length === 1 && keys[0] === 'Records' && Array.isArray(records) && records.every((record) => typeof record === 'object' && record !== null && !Array.isArray(record));
}

function parsed(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Checks a skim against the parser: same acceptance, same records, same fields where it gives them. */
function expectAgreement(bytes: Buffer): SkimmedLogFile | null {
  const skimmed = skimLogFile(bytes);
  const value = parsed(bytes);
  if (!isLogFileShape(value)) {
    expect(skimmed, `skim accepted what the parser refuses or is not a log file: ${bytes.toString('utf8').slice(0, 200)}`).toBeNull();
    return null;
  }
  // Text of that shape not written as CloudTrail writes it (spaced, a byte-order mark) is left to the parser.
  if (skimmed === null) {
    expect(/^\{"Records":\[/.test(bytes.toString('utf8').trimStart())).toBe(false);
    return null;
  }
  expect(skimmed.count).toBe(value.Records.length);
  for (let k = 0; k < skimmed.count; k++) {
    const record = value.Records[k]!;
    expect(JSON.parse(bytes.subarray(skimmed.start(k), skimmed.end(k)).toString('utf8'))).toEqual(record);
    const fields = skimmed.fields(k);
    if (fields === null) continue;
    expect(fields).toEqual({ eventSource: record.eventSource, eventName: record.eventName, eventTime: record.eventTime });
    for (const key of ['errorCode', 'CloudTrailEvent', 'detail-type', 'detail', 'source', 'Records', 'Events']) expect(record).not.toHaveProperty(key);
  }
  return skimmed;
}

/** A seeded generator (mulberry32): the same mutations on every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('skimLogFile', () => {
  it('reads every record of real log files, with the fields the parser gives', () => {
    const file = Buffer.from(JSON.stringify({ Records: [...stratus, ...panther] }));
    const skimmed = expectAgreement(file)!;
    expect(skimmed.count).toBe(stratus.length + panther.length);
    // Most records are read without parsing; those with an error code never are.
    let skimmedFields = 0;
    for (let k = 0; k < skimmed.count; k++) if (skimmed.fields(k)) skimmedFields++;
    const withError = [...stratus, ...panther].filter((record) => 'errorCode' in record).length;
    expect(skimmedFields).toBeGreaterThan(0);
    expect(skimmedFields).toBeLessThanOrEqual(skimmed.count - withError);
  });

  it('parses, rather than reads, the records whose fields are not plain text or that are other shapes', () => {
    const base = { eventVersion: '1.08', eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventTime: '2025-06-01T00:00:00Z' };
    const cases: Array<[string, string]> = [
      ['escaped key', '{"eventSource":"s3.amazonaws.com","event\\u004eame":"PutBucketPolicy","eventTime":"2025-06-01T00:00:00Z"}'],
      ['escaped value', '{"eventSource":"s3.amazonaws.com","eventName":"Put\\u0042ucketPolicy","eventTime":"2025-06-01T00:00:00Z"}'],
      ['duplicate name, the last one wins', '{"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventName":"PutBucketPolicy"}'],
      ['name not a string', '{"eventSource":"s3.amazonaws.com","eventName":["PutBucketPolicy"]}'],
      ['error code, even null', '{"eventSource":"s3.amazonaws.com","eventName":"GetObject","errorCode":null}'],
      ['EventBridge envelope', JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: base, eventName: 'x' })],
      ['lookup-events entry', JSON.stringify({ EventName: 'GetObject', CloudTrailEvent: JSON.stringify(base), eventName: 'x' })],
      ['nested page', JSON.stringify({ Records: [base], eventName: 'x' })],
      ['no eventName', JSON.stringify({ eventSource: 's3.amazonaws.com', eventID: 'x' })],
      ['empty object', '{}'],
    ];
    for (const [name, record] of cases) {
      const skimmed = expectAgreement(Buffer.from(`{"Records":[${JSON.stringify(base)},${record}]}`))!;
      expect(skimmed, name).not.toBeNull();
      expect(skimmed.fields(0), name).not.toBeNull();
      expect(skimmed.fields(1), name).toBeNull();
    }
    // Text that only looks like a field, inside a value or a nested object, is not one.
    const decoy = { ...base, requestParameters: { eventName: 'PutBucketPolicy', errorCode: 'AccessDenied', note: '","eventName":"PutBucketPolicy' } };
    const skimmed = expectAgreement(Buffer.from(JSON.stringify({ Records: [decoy] })))!;
    expect(skimmed.fields(0)).toEqual({ eventSource: base.eventSource, eventName: 'GetObject', eventTime: base.eventTime });
  });

  it('reads event times as Date.parse does, and tells event names in a set from the bytes', () => {
    const times = [
      '2025-06-01T01:23:20Z', '2025-06-01T01:23:20.123Z', '2025-06-01T01:23:20.5Z', '2025-02-30T00:00:00Z', '2025-04-31T10:00:00Z', '2024-02-29T23:59:59Z',
      '2025-13-01T00:00:00Z', '2025-00-10T00:00:00Z', '2025-06-00T00:00:00Z', '2025-06-32T00:00:00Z', '2025-06-01T24:00:00Z', '2025-06-01T23:60:00Z',
      '2025-06-01T23:59:60Z', '0099-01-01T00:00:00Z', '0999-12-31T23:59:59Z', '2025-06-01 01:23:20Z', '2025-06-01T01:23:20+01:00', '2025-06-01', 'yesterday',
      '2025-06-01T01:23:2xZ', '2025-06-01T01:23:20.12xZ', '+2025-06-01T01:23:20Z', 'Zoë',
    ];
    const names = ['PutRolePolicy', 'StopLogging', 'Zoë', '日本'];
    const set = new EventNameSet(names);
    const records = times.map((eventTime, k) => ({ eventSource: 'iam.amazonaws.com', eventName: [...names, 'GetObject', 'PutRolePolicyX', 'PutRolePolic', 'Zoe'][k % 8]!, eventTime }));
    const skimmed = expectAgreement(Buffer.from(JSON.stringify({ Records: [...records, { eventName: 'X' }] })))!;
    for (let k = 0; k < records.length; k++) {
      expect(skimmed.eventTimeMs(k), records[k]!.eventTime).toEqual(Date.parse(records[k]!.eventTime));
      expect(skimmed.nameIn(k, set), records[k]!.eventName).toBe(names.includes(records[k]!.eventName));
    }
    expect(skimmed.eventTimeMs(records.length)).toBeUndefined();
  });

  it('decodes fields beyond ASCII as UTF-8, as the parser does', () => {
    expectAgreement(Buffer.from(JSON.stringify({ Records: [{ eventSource: 'ec2.amazonaws.com', eventName: 'Zoë 日本 🚀', eventTime: 'ünïcode' }] })));
  });

  it('accepts exactly the texts JSON.parse accepts, on thousands of mutations of a log file', () => {
    const elements = [stratus[0], { n: [0, -1.5e3, 2e-2, 0.25, true, false, null], s: 'a\\"b\\\\c\\/\\n\\u00e9', o: {}, a: [], eventName: 'X' }, panther[0]];
    // Compact where every log file is, spaced inside (whitespace is where many accepted mutations fall).
    const sample = `{"Records":[${elements.map((element) => JSON.stringify(element, null, 1)).join(',\n')}]}`;
    const pieces = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\n', '\t', '\u0001', '\u001f', '0', '-', '.', 'e', 'E', '+', 'u', 'a', 'F', 'true', 'nul', '\\u12', '\\x', '01', '1.', '.5', '-', '\u00e9'];
    const random = seeded(22);
    let accepted = 0;
    for (let round = 0; round < 4000; round++) {
      let text = sample;
      for (let edits = 1 + Math.floor(random() * 2); edits > 0; edits--) {
        const at = Math.floor(random() * text.length);
        const piece = pieces[Math.floor(random() * pieces.length)]!;
        const kind = random();
        text = kind < 0.4 ? text.slice(0, at) + text.slice(at + 1) : kind < 0.8 ? text.slice(0, at) + piece + text.slice(at) : text.slice(0, at) + piece + text.slice(at + piece.length);
      }
      if (expectAgreement(Buffer.from(text))) accepted++;
    }
    // Both ways were tried: mutations the parser accepts (in whitespace, in strings) and ones it refuses.
    expect(accepted).toBeGreaterThan(400);
    expect(accepted).toBeLessThan(3600);
  });

  it('refuses broken text without throwing, however deep or cut short', () => {
    for (const text of [
      `{"Records":[{"a":${'['.repeat(200_000)}${']'.repeat(199_999)}}]}`,
      `{"Records":[{"a":${'['.repeat(200_000)}}]}`,
      '{"Records":[{"a":"b',
      '{"Records":[{"a":"b"}',
      '{"Records":[{"a":"b"}],}',
      '{"Records":[{"a":"b"},]}',
      '{"Records":[{"a":"\u0000"}]}',
      '{"Records":[{"a":01}]}',
      '{"Records":[{"a":1.}]}',
      '{"Records":[{"a":"\\u12"}]}',
      '{"Records":[{"a" "b"}]}',
      '{"Records":[{"a":tru}]}',
      '{"Records":[{"a":"b"}]}x',
      '{"Records":[[]]}',
      '{"Records":[1]}',
      '',
    ]) {
      expect(() => skimLogFile(Buffer.from(text))).not.toThrow();
      expectAgreement(Buffer.from(text));
    }
    // A second "Records" (the parser keeps the last one) is left to the parser.
    expect(skimLogFile(Buffer.from('{"Records":[{"eventName":"X"}],"Records":[]}'))).toBeNull();
    // Deep, but valid: read as the parser reads it.
    const deep = Buffer.from(`{"Records":[{"a":${'['.repeat(200_000)}${']'.repeat(200_000)},"eventName":"X"}]}`);
    const skimmed = skimLogFile(deep)!;
    expect(skimmed.count).toBe(1);
    expect(skimmed.fields(0)).toEqual({ eventSource: undefined, eventName: 'X', eventTime: undefined });
    expect(skimmed.end(0)).toBe(deep.length - 2);
  });
});

describe('a replay read with the skim', () => {
  /** Everything a replay's read yields: the stage's batches (items kept, records counted, time range). */
  async function replayRead(paths: string[], skim: boolean): Promise<{ items: unknown[]; records: number; oldest: number | null; newest: number | null }> {
    const stage = createCandidateStage();
    const batches: CandidateBatch[] = [];
    for await (const batch of readRecordBatches(paths, undefined, { select: stage.select, skim: skim ? stage.skim : undefined })) batches.push(stage.take(batch));
    const rest = stage.end!();
    if (rest) batches.push(rest);
    const times = batches.flatMap((batch) => [batch.oldestMs, batch.newestMs]).filter((time): time is number => time !== null);
    return {
      items: batches.flatMap((batch) => batch.items),
      records: batches.reduce((total, batch) => total + batch.records, 0),
      oldest: times.length ? Math.min(...times) : null,
      newest: times.length ? Math.max(...times) : null,
    };
  }

  it('keeps, counts and reports exactly what parsing every record does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skim-read-'));
    const base = stratus.find((record) => !('errorCode' in record))!;
    const crafted = [
      { ...base, eventSource: 'iam.amazonaws.com', eventName: 'PutRolePolicy' },
      { ...base, eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' },
      { ...base, eventTime: 'not a time' },
      { ...base, errorCode: null },
      { version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: { ...base, errorCode: 'AccessDenied' } },
      { version: '0', 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2', detail: {} },
      { Records: [{ ...base, eventName: 'AttachRolePolicy', eventSource: 'iam.amazonaws.com' }, { ...base }] },
      { hello: 'world' },
      {},
    ];
    const files: Record<string, string | Buffer> = {
      'stratus.json.gz': gzipSync(JSON.stringify({ Records: stratus })),
      'panther.json': JSON.stringify({ Records: panther }),
      'crafted.json': JSON.stringify({ Records: [...crafted, base] }),
      'escaped.json': JSON.stringify({ Records: [base] }).replace('"eventName"', '"event\\u004eame"'),
      // Broken inside a record no rule wants: the whole file is reported as the parser finds it, as before.
      'broken.json': JSON.stringify({ Records: [base, base] }).replace(/"eventVersion":/, '"eventVersion" '),
      'empty.json': '{"Records":[]}',
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    for (const name of Object.keys(files)) {
      const path = join(dir, name);
      const [withSkim, without] = [await replayRead([path], true), await replayRead([path], false)];
      expect(withSkim, name).toEqual(without);
    }
    const all = await replayRead([dir], true);
    expect(all).toEqual(await replayRead([dir], false));
    expect(all.records).toBeGreaterThan(stratus.length + panther.length);
    expect(all.items.some((item) => (item as { kind: string }).kind === 'error')).toBe(true);
  });
});
