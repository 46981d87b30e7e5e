/**
 * Stops child processes (the embedded DynamoDB Local JVM) on every way out of the CLI: a normal end, `process.exit`,
 * an uncaught error, and SIGINT/SIGTERM/SIGHUP. Only SIGKILL of the CLI itself cannot be caught.
 */
import type { ChildProcess } from 'node:child_process';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const children = new Set<ChildProcess>();

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
  killAll('SIGKILL');
  children.clear();
  uninstall();
  // Die of the same signal, as if we had not caught it (status 128 + n for the shell).
  process.kill(process.pid, signal);
}

function install(): void {
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * Kills `child` if the CLI ends before it; returns the function that forgets it (call it after stopping it).
 */
export function stopWithProcess(child: ChildProcess): () => void {
  if (children.size === 0) install();
  children.add(child);
  return () => {
    children.delete(child);
    if (children.size === 0) uninstall();
  };
}

/** How many children are watched (for tests). */
export function watchedChildren(): number {
  return children.size;
}
