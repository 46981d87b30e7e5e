import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCentral } from '../stack/support/build.js';

type Violation = { ruleName: string; violatingConstructs: Array<{ constructPath: string }> };

function violationsOf(outdir: string): string[] {
  const report = join(outdir, 'validation-report.json');
  if (!existsSync(report)) return [];
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: Array<{ violations?: Violation[] }> };
  return parsed.pluginReports.flatMap((plugin) => plugin.violations ?? []).map((v) => `${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(',')}`);
}

describe('context "backtest" in the central stack', () => {
  it('adds the Glue table, the workgroup and the run role, cdk-nag clean (without the key: backtestPropsFromContext gives undefined, see backtest-construct.test.ts)', () => {
    const { app, central } = buildCentral({ backtest: JSON.stringify({ trailBucket: 'org-trail-logs', organizationId: 'o-a1b2c3d4e5', bytesScannedCutoffGb: 500 }) });
    central.resourceCountIs('AWS::Athena::WorkGroup', 1);
    central.hasResourceProperties('AWS::Athena::WorkGroup', { WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 500e9, EnforceWorkGroupConfiguration: true } });
    central.hasResourceProperties('AWS::Glue::Table', { TableInput: { StorageDescriptor: { Location: 's3://org-trail-logs/AWSLogs/o-a1b2c3d4e5/' } } });
    let error: unknown = null;
    try {
      app.synth();
    } catch (caught) {
      error = caught;
    }
    expect(violationsOf(app.outdir)).toEqual([]);
    expect(error).toBeNull();
  });

  it('names the key at fault in a wrong context', () => {
    expect(() => buildCentral({ backtest: { trailBucket: 'org-trail-logs' } })).toThrow(/backtest\.organizationId/);
  });
});
