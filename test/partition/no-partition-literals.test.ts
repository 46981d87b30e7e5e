/**
 * Grep-proof partitions: outside the partition model, no code spells the commercial partition's ARN prefix or console
 * domain, so every ARN, link and command the alerter writes takes the partition of the record it is about.
 * Comments may (they explain); the CLI's help text shows example ARNs a user types, listed here by file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODEL = new Set(['lambdas/core/partition.ts', 'lambdas/core/partitions.generated.ts']);
/** Example ARNs in `--help` text and usage errors (what a user types), not ARNs the alerter writes. */
const HELP_EXAMPLES = new Set(['lambdas/cli/history.ts', 'lambdas/cli/history-filters.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(name) ? [relative(ROOT, path)] : [];
  });
}

/** The code of a file without its comments (line comments and block comments). */
function codeOf(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('partition literals', () => {
  it('appear in no code outside the partition model', () => {
    const offenders: string[] = [];
    for (const file of ['lambdas', 'lib', 'bin'].flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
      if (MODEL.has(file) || HELP_EXAMPLES.has(file)) continue;
      codeOf(readFileSync(join(ROOT, file), 'utf8'))
        .split('\n')
        .forEach((line, index) => {
          if (/arn:aws:|aws\.amazon\.com/.test(line)) offenders.push(`${file}:${index + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
