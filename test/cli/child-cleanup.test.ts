/**
 * Nothing is left running: the embedded DynamoDB Local JVM stops when the CLI is interrupted (SIGINT, SIGTERM sent to
 * the CLI alone, not its process group), also when the signal arrives while Java is still starting. The earlier CLI
 * died and left the JVM running with no parent.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { syntheticDenial } from '../support/records.js';

const BIN = fileURLToPath(new URL('../../bin/denial-alerter.mjs', import.meta.url));

function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie is gone for our purpose (it holds no port or memory).
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => T | undefined | false, limitMs = 120_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts `replay -` on an open standard input with one record written (it then waits for more), returns the CLI, its
 * stderr so far, its exit.
 */
function startReplay(): { cli: ChildProcess; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const cli = spawn(process.execPath, [BIN, 'replay', '--data-dir', mkdtempSync(join(tmpdir(), 'cleanup-')), '--no-progress', '--batch-size', '1', '--dead-letter', '/dev/null', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  cli.stdin!.write(`${JSON.stringify(syntheticDenial({ time: '2025-01-01T00:00:00Z' }))}\n`);
  let stderr = '';
  cli.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => cli.once('exit', (code, signal) => resolve({ code, signal })));
  return { cli, stderr: () => stderr, exited };
}

describe('the embedded DynamoDB Local is stopped on every way out', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s to the CLI while it replays stops Java too', async (signal) => {
    const { cli, stderr, exited } = startReplay();
    await until('the replay to start', () => /Replaying into/.test(stderr()));
    const [java] = await until('the Java child', () => childPids(cli.pid!).length > 0 && childPids(cli.pid!));
    expect(isRunning(java!)).toBe(true);
    cli.kill(signal);
    expect(await exited).toEqual({ code: null, signal });
    await until('Java to stop', () => !isRunning(java!), 20_000);
  }, 180_000);

  it('an uncaught error stops Java too', async () => {
    const crash = spawnSync(process.execPath, [fileURLToPath(new URL('./crash-with-emulator.mjs', import.meta.url))], { encoding: 'utf8', timeout: 170_000 });
    expect(crash.status).toBe(1);
    expect(crash.stderr).toMatch(/an uncaught error after the emulator started/);
    const java = Number(crash.stdout.trim());
    expect(java).toBeGreaterThan(0);
    await until('Java to stop', () => !isRunning(java), 20_000);
  }, 180_000);

  it('SIGTERM while Java is still starting stops it once it is up', async () => {
    const { cli, stderr, exited } = startReplay();
    await until('the Java notice', () => /Starting DynamoDB Local \(Java\)/.test(stderr()));
    const [java] = await until('the Java child', () => childPids(cli.pid!).length > 0 && childPids(cli.pid!));
    cli.kill('SIGTERM');
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(stderr()).not.toMatch(/Replaying into/);
    await until('Java to stop', () => !isRunning(java!), 20_000);
  }, 180_000);
});
