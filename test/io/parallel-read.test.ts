/**
 * Reading on reader threads gives exactly what reading on the main thread gives (lambdas/parallel/staged-read.ts).
 * Each input shape is read twice through `readStaged`: with `threads: 1`, and with `threads: 2` and tiny units (ranges
 * of ~200 bytes, files over 1,000 bytes cut or read alone) so that a few hundred lines become many ranges spread over
 * two real worker threads. Both reads must give the same output bytes, counts and warnings (in order); each case also
 * checks the output itself (lines, line numbers, warnings), so that both sides cannot pass by being empty or wrong alike.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { createExplainStage, type ExplainBatch, type ExplainStageOptions } from '../../lambdas/explain/explain-stage.js';
import type { InputItem } from '../../lambdas/io/read-records.js';
import { readUnits } from '../../lambdas/parallel/input-units.js';
import type { StageSpec } from '../../lambdas/parallel/record-stage.js';
import { readStaged, type StagedReadOptions } from '../../lambdas/parallel/staged-read.js';
import { createCandidateStage, type CandidateBatch } from '../../lambdas/replay/candidate-stage.js';
import { syntheticDenial } from '../support/records.js';

const EXPLAIN_OPTIONS: ExplainStageOptions = { human: false, colour: false, deniedOnly: false, extraErrorCodes: [], policiesDir: null };
const EXPLAIN: StageSpec<ExplainBatch> = { name: 'explain', options: EXPLAIN_OPTIONS, create: () => createExplainStage(EXPLAIN_OPTIONS) };
const CANDIDATES: StageSpec<CandidateBatch> = { name: 'rule-candidates', options: {}, create: () => createCandidateStage() };

/** Small enough units that a file of a few hundred lines is cut into many ranges and small files go to the threads. */
const UNIT_SIZES = { rangeBytes: 200, wholeUnitBytes: 1000 };
const SERIAL = { threads: 1 };
const THREADED = { threads: 2, ...UNIT_SIZES };

const BOM = '\uFEFF';
const START_MS = Date.parse('2026-12-05T10:00:00Z');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'denial-parallel-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A successful call no rule delivers (a plain S3 read). */
function successfulRead(n: number): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    eventID: `ok-${n}`,
    eventTime: new Date(START_MS + n * 1000).toISOString(),
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'eu-west-1',
    recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/reader', accountId: '111122223333' },
  };
}

/** Record `n` of a mix: every third one a denial, the others successes; times rise with `n`. */
function mixedRecord(n: number): CloudTrailRecord {
  return n % 3 === 0 ? syntheticDenial({ time: START_MS + n * 1000, eventID: `denied-${n}`, key: `builds/${n}.zip` }) : successfulRead(n);
}
const mixedRecords = (count: number, from = 0) => Array.from({ length: count }, (_, i) => mixedRecord(from + i));
const line = (record: unknown) => JSON.stringify(record);

interface Explained {
  output: string;
  records: number;
  denials: number;
  unreadable: number;
  warnings: string[];
}

type ReadSettings = Partial<Omit<StagedReadOptions, 'threads' | 'onWarning'>> & { stdin?: string };

/** Every result of one staged read, and the warnings it gave, in order. */
async function readAll<R>(stage: StageSpec<R>, paths: string[], options: { threads: number } & ReadSettings): Promise<{ results: R[]; warnings: string[] }> {
  const { stdin, ...rest } = options;
  const warnings: string[] = [];
  const results: R[] = [];
  const input = stdin === undefined ? undefined : Readable.from([Buffer.from(stdin)]);
  for await (const result of readStaged(paths, input, { ...rest, onWarning: (warning) => warnings.push(warning) }, stage)) results.push(result);
  return { results, warnings };
}

async function explain(paths: string[], options: { threads: number } & ReadSettings): Promise<Explained> {
  const { results, warnings } = await readAll(EXPLAIN, paths, options);
  const decoder = new TextDecoder();
  return {
    output: results.map((batch) => batch.output.map((piece) => decoder.decode(piece)).join('')).join(''),
    records: results.reduce((sum, batch) => sum + batch.records, 0),
    denials: results.reduce((sum, batch) => sum + batch.denials, 0),
    unreadable: results.reduce((sum, batch) => sum + batch.unreadable, 0),
    warnings,
  };
}

/** Reads with `explain` on the main thread and on two threads, asserts both are the same, and returns it. */
async function explainBothWays(paths: string[], settings: ReadSettings = {}): Promise<Explained> {
  const serial = await explain(paths, { ...SERIAL, ...settings });
  const threaded = await explain(paths, { ...THREADED, ...settings });
  expect(threaded.output).toBe(serial.output);
  expect({ ...threaded, output: undefined }).toEqual({ ...serial, output: undefined });
  return serial;
}

const outputLines = (explained: Explained) => explained.output.split('\n').slice(0, -1).map((text) => JSON.parse(text) as Record<string, unknown>);
const errorLines = (explained: Explained) => outputLines(explained).filter((entry) => 'error' in entry);

/** The kinds of the units the threaded read cuts `paths` into (to show a case really exercises ranges or whole files). */
async function unitKinds(paths: string[]): Promise<string[]> {
  const kinds: string[] = [];
  for await (const unit of readUnits(paths, {}, UNIT_SIZES)) kinds.push(unit.kind === 'file' && unit.alone ? 'file alone' : unit.kind);
  return kinds;
}
const count = (values: string[], value: string) => values.filter((each) => each === value).length;

/**
 * A JSON-lines file of 300 records after a byte-order mark: two blank lines every 50 records, a malformed line before
 * record 150 (line 157), record 40 ending in CRLF. Returns the path, the records and the malformed line's number.
 */
function writeMixedLinesFile(): { path: string; records: CloudTrailRecord[]; malformedLine: number } {
  const records = mixedRecords(300);
  const lines: string[] = [];
  for (const [i, record] of records.entries()) {
    if (i === 150) lines.push('{"eventID": "cut-off", "eventName":');
    if (i % 50 === 25) lines.push('', '');
    lines.push(i === 40 ? `${line(record)}\r` : line(record));
  }
  const path = join(dir, 'mixed.jsonl');
  writeFileSync(path, BOM + lines.join('\n') + '\n');
  return { path, records, malformedLine: lines.indexOf('{"eventID": "cut-off", "eventName":') + 1 };
}

const cloudTrailLog = (records: CloudTrailRecord[]) => JSON.stringify({ Records: records });

/**
 * A directory as CloudTrail and users leave it: small gzip log files and one over the whole-unit size (read alone), a
 * plain `.json` log file, an empty `.jsonl` file, a file of blank lines, and a file the walk ignores.
 */
function writeLogDirectory(): { path: string; records: number; empty: string; blank: string } {
  const root = join(dir, 'logs');
  const day = join(root, 'AWSLogs', '111122223333', 'CloudTrail', 'eu-west-1', '2026', '12', '05');
  mkdirSync(day, { recursive: true });
  writeFileSync(join(day, 'a.json.gz'), gzipSync(cloudTrailLog(mixedRecords(4, 0))));
  const large = gzipSync(cloudTrailLog(mixedRecords(60, 100).map((record, i) => ({ ...record, requestID: `${i}-${Math.random()}` }))));
  expect(large.length).toBeGreaterThan(UNIT_SIZES.wholeUnitBytes);
  writeFileSync(join(day, 'b.json.gz'), large);
  writeFileSync(join(day, 'c.json.gz'), gzipSync(cloudTrailLog(mixedRecords(5, 200))));
  writeFileSync(join(root, 'd-plain.json'), cloudTrailLog(mixedRecords(3, 300)));
  const empty = join(root, 'e-empty.jsonl');
  writeFileSync(empty, '');
  const blank = join(root, 'f-blank.jsonl');
  writeFileSync(blank, '\n\n \n\n');
  writeFileSync(join(root, 'notes.txt'), 'not read');
  return { path: root, records: 4 + 60 + 5 + 3, empty, blank };
}

describe('explain on threads gives what it gives on the main thread', () => {
  it('a JSON-lines file cut into many ranges: BOM, blank lines, CRLF, a malformed line named by its line number', async () => {
    const { path, records, malformedLine } = writeMixedLinesFile();
    expect(count(await unitKinds([path]), 'range')).toBeGreaterThan(100);
    const explained = await explainBothWays([path]);
    expect(explained).toMatchObject({ records: 300, denials: 100, unreadable: 1, warnings: [] });
    const lines = outputLines(explained);
    expect(lines).toHaveLength(301);
    expect(malformedLine).toBe(157);
    expect(lines[150]).toMatchObject({ source: path, line: malformedLine, error: expect.stringMatching(/^malformed JSON/) });
    expect(lines[40]).toMatchObject({ eventId: records[40]!.eventID }); // the CRLF line
    expect(lines.filter((entry) => entry.denied === true)).toHaveLength(100);
    expect(lines[0]).toMatchObject({ denied: true, eventId: records[0]!.eventID });
    expect(lines.at(-1)).toMatchObject({ eventId: records.at(-1)!.eventID });
  });

  it('a directory of gzip log files, a plain log file, an empty file and a file of blank lines', async () => {
    const logs = writeLogDirectory();
    // a.json.gz, b.json.gz (alone), c.json.gz, d-plain.json (one line over the whole-unit size: one range), empty, blank
    expect(await unitKinds([logs.path])).toEqual(['file', 'file alone', 'file', 'range', 'ranges-end', 'file', 'file']);
    const explained = await explainBothWays([logs.path]);
    expect(explained).toMatchObject({ records: logs.records, unreadable: 0 });
    expect(outputLines(explained)).toHaveLength(logs.records);
    expect(explained.warnings).toEqual([`${logs.empty}: empty`, `${logs.blank}: no records, only 4 blank line(s)`]);
  });

  it('a large pretty-printed log file: read whole and alone', async () => {
    const path = join(dir, 'pretty.json');
    const records = mixedRecords(30);
    writeFileSync(path, JSON.stringify({ Records: records }, null, 2));
    expect(await unitKinds([path])).toEqual(['file alone']);
    const explained = await explainBothWays([path]);
    expect(explained).toMatchObject({ records: 30, denials: 10, unreadable: 0, warnings: [] });
    expect(outputLines(explained).map((entry) => entry.eventId)).toEqual(records.map((record) => record.eventID));
  });

  it('a large JSON-lines file holding only `[]` and blank lines: the same empty-source warning', async () => {
    const path = join(dir, 'blank-after-empty-array.jsonl');
    writeFileSync(path, '[]\n' + '\n'.repeat(2000));
    expect(count(await unitKinds([path]), 'range')).toBeGreaterThan(5);
    const explained = await explainBothWays([path]);
    expect(explained).toEqual({ output: '', records: 0, denials: 0, unreadable: 0, warnings: [`${path}: no records, only 2001 blank line(s)`] });
  });

  it('the reader limits reach the threads: a streamed one-line log file, a runaway line, a gzip file inflating too far', async () => {
    const lines = join(dir, 'long-lines.jsonl');
    const longLog = cloudTrailLog(mixedRecords(6, 10));
    writeFileSync(lines, [...mixedRecords(5, 0).map(line), longLog, 'x'.repeat(3000), ...mixedRecords(5, 20).map(line)].join('\n') + '\n');
    const inflating = join(dir, 'inflating.json.gz');
    writeFileSync(inflating, gzipSync(cloudTrailLog(mixedRecords(10, 30))));
    const limits = { fastPathBytes: 2048, maxInflatedBytes: 4096 };
    expect(longLog.length).toBeGreaterThan(limits.fastPathBytes);
    const explained = await explainBothWays([lines, inflating], limits);
    expect(explained).toMatchObject({ records: 16, unreadable: 2 });
    const errors = errorLines(explained);
    expect(errors[0]).toMatchObject({ source: lines, line: 7, error: expect.stringContaining('a runaway line') });
    expect(errors[1]).toMatchObject({ source: inflating, error: expect.stringContaining('inflates past') });
  });

  describe('standard input mixed with files', () => {
    const stdin = [line(mixedRecord(0)), '', 'not json', line(mixedRecord(1))].join('\n') + '\n';

    it('standard input first, then a file cut into ranges', async () => {
      const { path } = writeMixedLinesFile();
      const explained = await explainBothWays(['-', path], { stdin });
      expect(explained).toMatchObject({ records: 302, denials: 101, unreadable: 2, warnings: [] });
      const errors = errorLines(explained);
      expect(errors[0]).toMatchObject({ source: '-', line: 3 });
      expect(errors[1]).toMatchObject({ source: path });
    });

    it('standard input between two files', async () => {
      const first = join(dir, 'first.jsonl');
      const last = join(dir, 'last.jsonl');
      writeFileSync(first, mixedRecords(20, 0).map(line).join('\n'));
      writeFileSync(last, mixedRecords(20, 100).map(line).join('\n'));
      const explained = await explainBothWays([first, '-', last], { stdin });
      expect(explained).toMatchObject({ records: 42, unreadable: 1 });
      const lines = outputLines(explained);
      expect(lines.map((entry) => entry.eventId ?? entry.source)).toEqual([
        ...mixedRecords(20, 0).map((record) => record.eventID),
        'denied-0',
        '-',
        'ok-1',
        ...mixedRecords(20, 100).map((record) => record.eventID),
      ]);
    });
  });

  it('a file listed in `exclude` is skipped with the same warning', async () => {
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const paths = ['a.jsonl', 'b.jsonl', 'c.jsonl'].map((name) => join(logs, name));
    paths.forEach((path, i) => writeFileSync(path, mixedRecords(10, i * 100).map(line).join('\n')));
    const explained = await explainBothWays([logs], { exclude: [paths[1]!] });
    expect(explained.warnings).toEqual([`${paths[1]}: skipped (this run writes to it)`]);
    expect(outputLines(explained).map((entry) => entry.eventId)).toEqual([...mixedRecords(10, 0), ...mixedRecords(10, 200)].map((record) => record.eventID));
  });

  // The walk hands its warnings out as entries, in walk order (it once called `onWarning` itself, as far ahead as the
  // read looked: a different order on one thread and on two). Empty a..f.jsonl, g-link.jsonl -> a.jsonl,
  // sub/loop -> the directory, sub/x.jsonl one blank line.
  it('warnings of the walk (a link to a file read before, a directory loop) come in the same order', async () => {
    const logs = join(dir, 'logs');
    mkdirSync(join(logs, 'sub'), { recursive: true });
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) writeFileSync(join(logs, `${name}.jsonl`), '');
    symlinkSync(join(logs, 'a.jsonl'), join(logs, 'g-link.jsonl'));
    symlinkSync(logs, join(logs, 'sub', 'loop'));
    writeFileSync(join(logs, 'sub', 'x.jsonl'), '\n');
    const serial = await explain([logs], SERIAL);
    const threaded = await explain([logs], THREADED);
    expect(serial.warnings).toHaveLength(9);
    expect(serial.warnings).toContain(`${join(logs, 'g-link.jsonl')}: already read (a symbolic link to a file read before), skipped`);
    expect(serial.warnings).toContain(`${join(logs, 'sub', 'loop')}: directory already walked (a symbolic link loop or the same tree twice), skipped`);
    expect([...threaded.warnings].sort()).toEqual([...serial.warnings].sort());
    expect(threaded.warnings).toEqual(serial.warnings);
  });

  it('a path that does not exist gives the same error item, and reading goes on', async () => {
    const missing = join(dir, 'missing.jsonl');
    const present = join(dir, 'present.jsonl');
    writeFileSync(present, mixedRecords(5).map(line).join('\n'));
    const explained = await explainBothWays([missing, present]);
    expect(explained).toMatchObject({ records: 5, unreadable: 1 });
    expect(outputLines(explained)[0]).toEqual({ error: `cannot read ${missing}: ENOENT`, source: missing, line: 0 });
  });
});

describe('the rule-candidate stage on threads keeps what it keeps on the main thread', () => {
  interface Candidates {
    items: InputItem[];
    records: number;
    oldestMs: number | null;
    newestMs: number | null;
    warnings: string[];
  }

  async function candidates(paths: string[], options: { threads: number } & ReadSettings): Promise<Candidates> {
    const { results, warnings } = await readAll(CANDIDATES, paths, options);
    const times = (pick: (batch: CandidateBatch) => number | null) => results.map(pick).filter((ms): ms is number => ms !== null);
    const oldest = times((batch) => batch.oldestMs);
    const newest = times((batch) => batch.newestMs);
    return {
      items: results.flatMap((batch) => batch.items),
      records: results.reduce((sum, batch) => sum + batch.records, 0),
      oldestMs: oldest.length > 0 ? Math.min(...oldest) : null,
      newestMs: newest.length > 0 ? Math.max(...newest) : null,
      warnings,
    };
  }

  /** Reads with the candidate stage on the main thread and on two threads. */
  async function candidatesBothWays(paths: string[]): Promise<{ serial: Candidates; threaded: Candidates }> {
    return { serial: await candidates(paths, SERIAL), threaded: await candidates(paths, THREADED) };
  }

  const keptIds = (items: InputItem[]) => items.map((item) => (item.kind === 'record' ? item.record.eventID : `error at line ${item.location.line}`));

  it('the JSON-lines file cut into ranges: same kept items, with their locations', async () => {
    const { path, records, malformedLine } = writeMixedLinesFile();
    const { serial, threaded } = await candidatesBothWays([path]);
    const denials = records.filter((record) => record.errorCode !== undefined);
    expect(keptIds(serial.items)).toEqual([...denials.slice(0, 50).map((record) => record.eventID), `error at line ${malformedLine}`, ...denials.slice(50).map((record) => record.eventID)]);
    expect(threaded.items).toEqual(serial.items);
    expect(threaded.warnings).toEqual(serial.warnings);
  });

  // The candidate stage counts in `select` and hands the counts out with its next batch, or at the end of the unit
  // (`end`): a range whose records are all dropped yields no batch, and its counts once waited in that thread's stage
  // for a batch that never came (297 of 300 records counted on two threads).
  it('the JSON-lines file cut into ranges: same record count and oldest and newest times', async () => {
    const { path } = writeMixedLinesFile();
    const { serial, threaded } = await candidatesBothWays([path]);
    expect(serial).toMatchObject({ records: 300, oldestMs: START_MS, newestMs: START_MS + 299_000 });
    expect({ records: threaded.records, oldestMs: threaded.oldestMs, newestMs: threaded.newestMs }).toEqual({ records: 300, oldestMs: START_MS, newestMs: START_MS + 299_000 });
  });

  // Minimal: denial, success, denial, one range each on two threads; the success's range yields no batch.
  it('a range holding only dropped records still counts them (denial, success, denial: 3 records)', async () => {
    const path = join(dir, 'denial-success-denial.jsonl');
    writeFileSync(path, [mixedRecord(0), mixedRecord(1), mixedRecord(3)].map(line).join('\n') + '\n');
    expect(count(await unitKinds([path]), 'range')).toBe(3);
    const { serial, threaded } = await candidatesBothWays([path]);
    expect(serial.records).toBe(3);
    expect(threaded.records).toBe(3);
  });

  // The same on one thread: records dropped after the last kept item of the whole read are counted (a file of 5
  // successful calls once read as 0 records).
  it('records after the last kept item are counted (a file of successful calls only)', async () => {
    const path = join(dir, 'successes.jsonl');
    writeFileSync(path, [1, 2, 4, 5, 7].map((n) => line(mixedRecord(n))).join('\n') + '\n');
    const { serial, threaded } = await candidatesBothWays([path]);
    expect(serial.records).toBe(5);
    expect(threaded.records).toBe(5);
  });

  it('the directory of log files', async () => {
    const logs = writeLogDirectory();
    const { serial, threaded } = await candidatesBothWays([logs.path]);
    expect(serial.records).toBe(logs.records);
    expect(serial.items.every((item) => item.kind === 'record' && item.record.errorCode === 'AccessDenied')).toBe(true);
    expect(serial.items.map((item) => item.location.index)).toContain(59);
    expect(serial.oldestMs).toBe(START_MS);
    expect(serial.newestMs).toBe(START_MS + 302_000);
    expect(serial.warnings).toEqual([`${logs.empty}: empty`, `${logs.blank}: no records, only 4 blank line(s)`]);
    expect(threaded).toEqual(serial);
  });
});
