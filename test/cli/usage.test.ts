/**
 * The command line's contract: --version, suggestions for mistyped flags and commands, usage errors with status 2
 * before anything expensive starts (run here with no Java on PATH: a check that came after starting DynamoDB Local
 * would fail with the Java message and status 1 instead).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STRATUS_ALL_EVENTS } from '../support/corpus.js';
import { runCli } from './run-cli.js';

const BIN = fileURLToPath(new URL('../../bin/denial-alerter.mjs', import.meta.url));
const VERSION = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
const noJava = mkdtempSync(join(tmpdir(), 'denial-nojava-'));
symlinkSync(process.execPath, join(noJava, 'node'));
const run = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, PATH: noJava, NO_COLOR: '1' }, cwd: noJava });
/** In this process, with no Java on PATH while it runs. */
async function runWithoutJava(args: string[]) {
  const path = process.env.PATH;
  process.env.PATH = noJava;
  try {
    return await runCli(args);
  } finally {
    process.env.PATH = path;
  }
}

describe('denial-alerter usage', () => {
  it('--version prints the package version', () => {
    const result = run(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('suggests the flag or command that was meant, with status 2', async () => {
    const flag = run(['explain', '--denied-onyl', STRATUS_ALL_EVENTS]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/unknown option '--denied-onyl'\n\(Did you mean --denied-only\?\)/);
    expect(flag.stderr).toMatch(/Run "denial-alerter explain --help" for usage/);
    const command = await runWithoutJava(['histroy']);
    expect(command.status).toBe(2);
    expect(command.stderr).toMatch(/Did you mean history\?/);
    expect((await runWithoutJava(['replay', '--thresold', '3', STRATUS_ALL_EVENTS])).stderr).toMatch(/Did you mean --threshold\?/);
  });

  it('replay of a missing file is a usage error before Java is looked for', () => {
    const result = run(['replay', 'nope.json']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/denial-alerter replay: cannot read nope\.json: no such file or directory/);
    expect(result.stderr).not.toMatch(/Java|java/);
  });

  it('bad values are usage errors before Java: batch size, threshold, report file, --fresh with a table', async () => {
    for (const [args, message] of [
      [['replay', '--batch-size', '0', STRATUS_ALL_EVENTS], /--batch-size must be a whole number from 1 to 10000, got "0"/],
      [['replay', '--threshold', 'many', STRATUS_ALL_EVENTS], /--threshold must be a number, got "many"/],
      [['replay', '--report', 'out.txt', STRATUS_ALL_EVENTS], /--report writes an HTML page/],
      [['replay', '--fresh', '--table', 't', STRATUS_ALL_EVENTS], /--fresh .* does not go with --endpoint, --table or --in-memory/],
      [['replay'], /missing required argument 'paths'/],
    ] as const) {
      const result = await runWithoutJava([...args]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/Java/);
    }
  });

  it('history checks its window and limit before Java', async () => {
    const backwards = await runWithoutJava(['history', '--since', '2025-01-01', '--until', '2024-01-01']);
    expect(backwards.status).toBe(2);
    expect(backwards.stderr).toMatch(/--until \(2024-01-01T00:00:00.000Z\) must be after --since \(2025-01-01T00:00:00.000Z\)/);
    expect((await runWithoutJava(['history', '--since', 'yesterday'])).stderr).toMatch(/--since "yesterday": give a duration back from now/);
    expect((await runWithoutJava(['history', '--limit', '-3'])).status).toBe(2);
  });

  it('without Java, the one line says why it is needed and how to do without it', async () => {
    const result = await runWithoutJava(['history']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Starting DynamoDB Local \(Java\) to read the stored denials; --endpoint URL or --table NAME read an existing table without Java$/m);
    expect(result.stderr).toMatch(/needs Java 17 or newer/);
  });

  it('help lists every command and each command its options; no command at all is status 2', async () => {
    const help = await runCli(['--help']);
    expect(help.status).toBe(0);
    for (const command of ['explain', 'replay', 'history']) expect(help.stdout).toContain(command);
    const replay = await runCli(['replay', '--help']);
    expect(replay.stdout).toMatch(/--report <file\.html>/);
    expect(replay.stdout).toMatch(/--slack-webhook/);
    expect(replay.stdout).toMatch(/Spike rules/);
    expect((await runCli([])).status).toBe(2);
  });

  it('an empty input file is reported, not a silent success', async () => {
    const empty = join(noJava, 'empty.json');
    writeFileSync(empty, '');
    const result = await runCli(['explain', empty]);
    expect(result.stderr).toMatch(/empty\.json: empty/);
    expect(result.status).toBe(1);
  });
});
