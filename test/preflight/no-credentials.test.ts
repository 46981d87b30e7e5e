import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('denial-alerter preflight without credentials', () => {
  it('says so in one line (the real default credential chain, in a child process with an empty home), exit 1', () => {
    const home = mkdtempSync(join(tmpdir(), 'preflight-home-'));
    const run = spawnSync(process.execPath, ['bin/denial-alerter.mjs', 'preflight', '--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:9'], {
      env: { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^denial-alerter preflight: no AWS credentials: Could not load credentials from any providers \(give --profile/)]);
    expect(run.stdout).toBe('');
    expect(run.status).toBe(1);
  });
});
