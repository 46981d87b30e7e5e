import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTemplates, FULL_CONTEXT } from './support/build.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function violationsOf(outdir: string): unknown[] {
  const report = join(outdir, 'validation-report.json');
  if (!existsSync(report)) return [];
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: Array<{ violations?: unknown[] }> };
  return parsed.pluginReports.flatMap((plugin) => plugin.violations ?? []);
}

describe('cdk-nag AwsSolutionsChecks', () => {
  it.each([
    ['default context', {}],
    ['every option on (Slack, emails, organization bus, trail with data events, policy lookups)', FULL_CONTEXT],
  ])('finds nothing unacknowledged with %s', (_label, context) => {
    const { app } = buildTemplates(context);
    let error: unknown = null;
    try {
      app.synth();
    } catch (caught) {
      error = caught;
    }
    expect(violationsOf(app.outdir)).toEqual([]);
    expect(error).toBeNull();
  });

  it('does report a finding (the check is really on)', async () => {
    const { App, Stack, Validations } = await import('aws-cdk-lib');
    const { Queue } = await import('aws-cdk-lib/aws-sqs');
    const { AwsSolutionsChecks } = await import('cdk-nag');
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'nag-')) });
    new Queue(new Stack(app, 'Bad'), 'Plain');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    expect(JSON.stringify(violationsOf(app.outdir))).toContain('AwsSolutions-SQS4');
  });
});

describe('cdk synth', () => {
  it('works offline with no AWS credentials, bundling the handler with local esbuild, and produces both stacks', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-synth-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')));
    const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--no-version-reporting', '-o', outdir], {
      cwd: ROOT,
      env: { ...env, HOME: mkdtempSync(join(tmpdir(), 'home-')), AWS_EC2_METADATA_DISABLED: 'true' },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/docker/i);
    for (const stack of ['DenialAlerter', 'DenialAlerterForwarder']) expect(existsSync(join(outdir, `${stack}.template.json`))).toBe(true);
    const asset = readdirSync(outdir).find((name) => name.startsWith('asset.') && existsSync(join(outdir, name, 'index.mjs')));
    expect(asset).toBeDefined();
    expect(statSync(join(outdir, asset!, 'index.mjs')).size).toBeGreaterThan(100_000);
  }, 300_000);
});
