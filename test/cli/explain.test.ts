import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, STRATUS_ALL_EVENTS } from '../support/corpus.js';

const BIN = fileURLToPath(new URL('../../bin/denial-alerter.mjs', import.meta.url));
const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8' });

describe('denial-alerter explain', () => {
  it('prints one line per record in input order, with the promised fields', () => {
    const result = run(['explain', STRATUS_ALL_EVENTS]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(310);
    for (const key of ['eventId', 'denied', 'principalArn', 'principalType', 'accountId', 'action', 'resource', 'denyLayer', 'denyKind', 'policyArn', 'fingerprint']) {
      expect(lines[0]).toHaveProperty(key);
    }
    expect(lines.filter((line) => line.denied)).toHaveLength(51);
  });

  it('--denied-only keeps only the denials', () => {
    const result = run(['explain', '--denied-only', STRATUS_ALL_EVENTS]);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(51);
    expect(lines.every((line) => line.denied === true)).toBe(true);
  });

  it('reads standard input, reports a bad line with its number, goes on, and exits 1', () => {
    const result = run(['explain'], `{"eventID":"a","eventSource":"s3.amazonaws.com","eventName":"GetObject"}\n{oops\n{"eventID":"b","eventSource":"s3.amazonaws.com","eventName":"GetObject"}\n`);
    expect(result.status).toBe(1);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.eventId ?? line.error.slice(0, 14))).toEqual(['a', 'malformed JSON', 'b']);
    expect(lines[1]).toMatchObject({ source: '-', line: 2 });
    expect(result.stderr).toMatch(/1 input item\(s\) could not be read/);
  });

  it('runs over the whole shared corpus without crashing', () => {
    const result = run(['explain', '--denied-only', CORPUS_DIR]);
    expect([0, 1]).toContain(result.status);
    expect(result.stderr).not.toMatch(/TypeError|at .*\.ts:/);
    const denials = result.stdout.trim().split('\n').map((line) => JSON.parse(line)).filter((line) => line.denied);
    expect(denials.length).toBeGreaterThanOrEqual(90);
  });

  it('explains itself with --help and rejects unknown options with status 2', () => {
    const help = run(['explain', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--denied-only/);
    const bad = run(['explain', '--nope']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown option '--nope'/);
  });
});
