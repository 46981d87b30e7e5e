import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asffProblems, ocsfProblems } from '../support/finding-schemas.js';
import { jsonLines, replayCaptured } from '../support/replay.js';

const SAMPLE = new URL('../../sample/cloudtrail-sample.json.gz', import.meta.url).pathname;
const workDir = mkdtempSync(join(tmpdir(), 'findings-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('replay --asff / --ocsf over the bundled sample', () => {
  it('writes one finding per incident step that passes the schema checks', { tags: ['slow'], timeout: 180_000 }, async () => {
    const asff = join(workDir, 'findings.asff.jsonl');
    const ocsf = join(workDir, 'findings.ocsf.jsonl');
    const run = await replayCaptured(['--in-memory', '--no-progress', '--dead-letter', join(workDir, 'dl.jsonl'), '--asff', asff, '--ocsf', ocsf, SAMPLE]);
    expect(run.status, run.stderr).toBe(0);
    const asffFindings = jsonLines(readFileSync(asff, 'utf8'));
    const ocsfFindings = jsonLines(readFileSync(ocsf, 'utf8'));
    expect(asffFindings.length).toBeGreaterThan(0);
    expect(ocsfFindings).toHaveLength(asffFindings.length);
    for (const finding of asffFindings) expect(asffProblems(finding), String(finding.Id)).toEqual([]);
    for (const finding of ocsfFindings) expect(ocsfProblems(finding), String((finding.finding_info as { uid: string }).uid)).toEqual([]);
    // Every incident is created once; its later steps keep its Id.
    const creates = ocsfFindings.filter((finding) => finding.activity_id === 1).map((finding) => (finding.finding_info as { uid: string }).uid);
    expect(new Set(creates).size).toBe(creates.length);
    expect(new Set(asffFindings.map((finding) => finding.Id)).size).toBe(creates.length);
    expect(run.stderr).toMatch(new RegExp(`Findings written: ${asffFindings.length} ASFF, ${ocsfFindings.length} OCSF`));
  });
});
