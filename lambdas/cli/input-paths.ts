/**
 * Checks the paths named on the command line before anything expensive starts (Java, a table): a missing or
 * unreadable path is a usage error, reported all at once.
 */
import { access, constants, stat } from 'node:fs/promises';
import { UsageError } from './command-kit.js';

/** Throws a {@link UsageError} naming every path that does not exist or cannot be read. `-` is standard input. */
export async function checkInputPaths(paths: readonly string[]): Promise<void> {
  const problems: string[] = [];
  for (const path of paths) {
    if (path === '-') continue;
    try {
      const info = await stat(path);
      await access(path, info.isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
      problems.push(`${path}: ${why}`);
    }
  }
  if (problems.length > 0) throw new UsageError(`cannot read ${problems.join('; ')}`);
}
