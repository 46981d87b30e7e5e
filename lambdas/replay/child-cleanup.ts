/**
 * Stops child processes (the embedded DynamoDB Local JVM) on every way out of the CLI: a normal end, `process.exit`,
 * an uncaught error, and SIGINT/SIGTERM/SIGHUP, also while the child is still starting. Only SIGKILL of the CLI itself
 * cannot be caught.
 */
import type { ChildProcess } from 'node:child_process';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const children = new Set<ChildProcess>();
let starting = 0;
let pendingSignal: NodeJS.Signals | null = null;

function killAll(signal: NodeJS.Signals): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

function onExit(): void {
  // Synchronous: the event loop is gone, so no waiting for a graceful stop.
  killAll('SIGKILL');
}

function onSignal(signal: NodeJS.Signals): void {
  if (starting > 0) {
    // A child is being started and cannot be named yet: stop as soon as it is (or as soon as its start fails).
    pendingSignal = signal;
    return;
  }
  dieOf(signal);
}

function dieOf(signal: NodeJS.Signals): void {
  killAll('SIGKILL');
  children.clear();
  uninstall();
  // Die of the same signal, as if it had not been caught (status 128 + n for the shell).
  process.kill(process.pid, signal);
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

function uninstallIfIdle(): void {
  if (children.size === 0 && starting === 0) uninstall();
}

/** Kills `child` if the CLI ends before it; returns the function that forgets it (call it after stopping it). */
export function stopWithProcess(child: ChildProcess): () => void {
  install();
  children.add(child);
  return () => {
    children.delete(child);
    uninstallIfIdle();
  };
}

/**
 * Starts a child through `start` with the exit paths already covered: a signal that arrives meanwhile stops the child
 * once it is known (and then the CLI). Returns what `start` gave and the function that forgets the child.
 */
export async function startWatched<T extends { process: ChildProcess }>(start: () => Promise<T>): Promise<{ started: T; forget: () => void }> {
  install();
  starting++;
  let started: T;
  try {
    started = await start();
  } catch (error) {
    starting--;
    if (pendingSignal && starting === 0) dieOf(pendingSignal);
    uninstallIfIdle();
    throw error;
  }
  const forget = stopWithProcess(started.process);
  starting--;
  if (pendingSignal && starting === 0) dieOf(pendingSignal);
  return { started, forget };
}

/** How many children are watched (for tests). */
export function watchedChildren(): number {
  return children.size;
}
