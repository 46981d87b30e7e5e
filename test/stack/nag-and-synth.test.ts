import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { IConstruct } from 'constructs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { buildApp } from '../../bin/app.js';
import { App, Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HANDLER_DATA_FILES, HANDLER_LAZY_MODULES } from '../../lib/constructs/handler-bundling.js';
import { DenialAlerterStack } from '../../lib/denial-alerter-stack.js';
import { memberStack } from '../../lib/member-template.js';
import { stackConfigFrom } from '../../lib/stack-config.js';
import { buildCentral, buildForwarder, CDK_JSON_CONTEXT, FULL_CONTEXT } from './support/build.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** cdk-nag 3 reports through CDK's policy validation: `validation-report.json` in the cloud assembly, and synth fails. */
type Violation = { ruleName: string; severity: string; violatingConstructs: Array<{ constructPath: string }> };

function violationsOf(outdir: string): Violation[] {
  const report = join(outdir, 'validation-report.json');
  if (!existsSync(report)) return [];
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: Array<{ violations?: Violation[] }> };
  return parsed.pluginReports.flatMap((plugin) => plugin.violations ?? []);
}

function synthesize(context: Record<string, unknown>): { violations: ReturnType<typeof violationsOf>; error: unknown } {
  const { app } = context.forwarder ? buildForwarder(context) : buildCentral(context);
  try {
    app.synth();
    return { violations: violationsOf(app.outdir), error: null };
  } catch (error) {
    return { violations: violationsOf(app.outdir), error };
  }
}

describe('cdk-nag AwsSolutionsChecks', () => {
  it('finds nothing unacknowledged, error or warning, with the default context', () => {
    expect(synthesize({})).toEqual({ violations: [], error: null });
  });

  it('finds nothing unacknowledged with every option on (Slack, emails, organization rollout, routes, trail with data and network events, policy lookups)', () => {
    expect(synthesize(FULL_CONTEXT)).toEqual({ violations: [], error: null });
  });

  it('finds nothing unacknowledged in the forwarder stack', () => {
    expect(synthesize({ forwarder: true, extraErrorCodes: ['AuthorizationError'] })).toEqual({ violations: [], error: null });
  });

  it('checks the member template the StackSet deploys (synthesized on its own), with nothing unacknowledged', () => {
    const withNag = (stage: Stage) => Validations.of(stage).addPlugins(new AwsSolutionsChecks(stage));
    const clean = memberStack({ configureStage: withNag });
    expect(() => Stage.of(clean)!.synth()).not.toThrow();
    expect(violationsOf(Stage.of(clean)!.outdir)).toEqual([]);
    const dirty = memberStack({ configureStage: withNag });
    new Queue(dirty, 'PlainQueue');
    expect(() => Stage.of(dirty)!.synth()).toThrow(/SQS queue/);
    expect(violationsOf(Stage.of(dirty)!.outdir).map((violation) => violation.ruleName)).toContain('AwsSolutions-SQS4');
  });

  it('keeps every acknowledgement true: with acknowledgements ignored, each one\'s finding is really raised where it was made', () => {
    const made: Array<{ path: string; id: string }> = [];
    const spy = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (this: Validations, ...rules) {
      made.push(...rules.map((rule) => ({ path: (this as unknown as { scope: IConstruct }).scope.node.path, id: rule.id })));
    });
    try {
      const raised: Violation[] = [];
      // The central stack as bin/app.ts builds it, but with the member template left to the check below.
      const central = new App({ outdir: mkdtempSync(join(tmpdir(), 'nag-')), context: { ...CDK_JSON_CONTEXT, ...FULL_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
      Validations.of(central).addPlugins(new AwsSolutionsChecks(central));
      new DenialAlerterStack(central, 'DenialAlerter', { config: stackConfigFrom(central.node) });
      const forwarder = new App({ outdir: mkdtempSync(join(tmpdir(), 'nag-')), context: { ...CDK_JSON_CONTEXT, forwarder: true } });
      buildApp(forwarder);
      for (const app of [central, forwarder]) {
        expect(() => app.synth()).toThrow();
        raised.push(...violationsOf(app.outdir));
      }
      const member = memberStack({ configureStage: (stage) => Validations.of(stage).addPlugins(new AwsSolutionsChecks(stage)) });
      expect(() => Stage.of(member)!.synth()).toThrow();
      raised.push(...violationsOf(Stage.of(member)!.outdir));
      const ours = made.filter((ack) => ack.id.startsWith('AwsSolutions-'));
      expect(ours.length).toBeGreaterThan(10);
      for (const ack of ours) {
        const found = raised.some(
          (violation) => violation.ruleName === ack.id && violation.violatingConstructs.some((where) => where.constructPath === ack.path || where.constructPath.startsWith(`${ack.path}/`)),
        );
        expect(found, `${ack.id} at ${ack.path}`).toBe(true);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('does check the app\'s stacks: a plain queue added to each is reported', () => {
    for (const [context, stackName] of [[{}, 'DenialAlerter'], [{ forwarder: true }, 'DenialAlerterForwarder']] as const) {
      const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'nag-')), context: { ...CDK_JSON_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [] } });
      const built = buildApp(app);
      new Queue((built.central ?? built.forwarder)!, 'PlainQueue');
      expect(() => app.synth()).toThrow(/SQS queue/);
      const paths = violationsOf(app.outdir)
        .filter((violation) => violation.ruleName === 'AwsSolutions-SQS4')
        .flatMap((violation) => violation.violatingConstructs.map((resource) => resource.constructPath));
      expect(paths).toEqual([`${stackName}/PlainQueue/Resource`]);
    }
  });
});

describe('cdk synth', () => {
  it('works offline with no AWS credentials or Docker for an organization (-c organization=…, -c alertEmails=one address), bundles a loadable handler, and writes the central stack only', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-synth-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')));
    const context = ['-c', 'organizationId=o-a1b2c3d4e5', '-c', 'organization={"targets":["r-ab12"],"regions":["eu-west-1"]}', '-c', 'alertEmails=secops@example.com'];
    const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--no-version-reporting', '-o', outdir, ...context], {
      cwd: ROOT,
      env: { ...env, HOME: mkdtempSync(join(tmpdir(), 'home-')), AWS_EC2_METADATA_DISABLED: 'true', DOCKER_HOST: 'unix:///nonexistent.sock' },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(join(outdir, 'DenialAlerter.template.json'))).toBe(true);
    // `cdk deploy --all` deploys what the app holds: here the central stack, never a forwarder beside it.
    expect(readdirSync(outdir).filter((name) => name.endsWith('.template.json'))).toEqual(['DenialAlerter.template.json']);
    const stackSets = Object.values(JSON.parse(readFileSync(join(outdir, 'DenialAlerter.template.json'), 'utf8')).Resources as Record<string, { Type: string; Properties: any }>).filter(
      (resource) => resource.Type === 'AWS::CloudFormation::StackSet',
    );
    expect(stackSets.map((stackSet) => stackSet.Properties.StackInstancesGroup[0].Regions)).toEqual([['us-east-1', 'eu-west-1']]);

    const asset = readdirSync(outdir).find((name) => name.startsWith('asset.') && existsSync(join(outdir, name, 'index.mjs')));
    expect(asset).toBeDefined();
    const bundle = join(outdir, asset!, 'index.mjs');
    // The AWS SDK is inlined; the lazy policy-lookup module and the generated indexes sit beside index.mjs.
    expect(statSync(bundle).size).toBeGreaterThan(200_000);
    for (const [name, file] of [...Object.keys(HANDLER_LAZY_MODULES), ...HANDLER_DATA_FILES].map((path) => [path, path.slice(path.lastIndexOf('/') + 1)])) {
      expect(existsSync(join(outdir, asset!, file!)), name).toBe(true);
    }
    const template = readFileSync(join(outdir, 'DenialAlerter.template.json'), 'utf8');
    expect(template).toContain(asset!.slice('asset.'.length));

    // The ESM bundle loads on its own, from a directory with no node_modules, and exports the handler.
    const loaded = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(bundle)}); console.log(typeof m.handler);`], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout.trim()).toBe('function');
  }, 300_000);
});
