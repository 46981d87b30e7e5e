/**
 * `bin/denial-alerter.mjs` runs the compiled CLI (dist/cli/) unless a TypeScript source below lambdas/ is newer than
 * it, so that a developer's edit is never run stale; the generated index directories (no TypeScript) are not walked.
 * Checked on a copy of the bin beside stand-in builds that say which one ran.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = new URL('../..', import.meta.url).pathname;

/** A tree with the bin, a compiled stand-in and a sources stand-in, all dated an hour ago. */
function standIns(): { root: string; run: () => string; touch: (path: string) => void } {
  const root = mkdtempSync(join(tmpdir(), 'bin-choice-'));
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(REPO, 'bin/denial-alerter.mjs'), join(root, 'bin/denial-alerter.mjs'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{"type": "module"}\n');
  const main = (which: string) => `export async function main() { process.stdout.write('${which}'); return 0; }\n`;
  mkdirSync(join(root, 'dist/cli'), { recursive: true });
  writeFileSync(join(root, 'dist/cli/main.js'), main('compiled'));
  mkdirSync(join(root, 'lambdas/cli'), { recursive: true });
  mkdirSync(join(root, 'lambdas/core/iam-index.generated'), { recursive: true });
  writeFileSync(join(root, 'lambdas/cli/main.ts'), main('sources'));
  writeFileSync(join(root, 'lambdas/core/types.ts'), 'export {};\n');
  writeFileSync(join(root, 'lambdas/core/iam-index.generated/s3.ts'), 'export {};\n');
  const hourAgo = new Date(Date.now() - 3_600_000);
  const build = new Date(Date.now() - 1_800_000);
  for (const path of ['lambdas/cli/main.ts', 'lambdas/core/types.ts', 'lambdas/core/iam-index.generated/s3.ts']) utimesSync(join(root, path), hourAgo, hourAgo);
  utimesSync(join(root, 'dist/cli/main.js'), build, build);
  return {
    root,
    run: () => execFileSync(process.execPath, [join(root, 'bin/denial-alerter.mjs')], { encoding: 'utf8', env: { ...process.env, DENIAL_ALERTER_FROM_SOURCE: '' } }),
    touch: (path) => utimesSync(join(root, path), new Date(), new Date()),
  };
}

describe('bin/denial-alerter.mjs', () => {
  it('runs the compiled CLI when no source is newer than it', () => {
    expect(standIns().run()).toBe('compiled');
  });

  it('runs the sources when one of them, however deep, is newer than the build', () => {
    const tree = standIns();
    tree.touch('lambdas/core/types.ts');
    expect(tree.run()).toBe('sources');
  });

  it('does not look inside the generated index directories', () => {
    const tree = standIns();
    tree.touch('lambdas/core/iam-index.generated/s3.ts');
    expect(tree.run()).toBe('compiled');
  });
});
