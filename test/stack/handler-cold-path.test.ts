/**
 * The handler's cold path: the SNS, SQS and Secrets Manager clients, which a batch of denials without an alert never
 * calls, are not in `index.mjs` but in `operations.mjs` beside it (`HANDLER_LAZY_MODULES`), and the bundled handler
 * loads that module from beside itself when a rare path runs (here: an alarm on the operations topic).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_DATA_FILES, HANDLER_LAZY_MODULES, handlerBuildOptions } from '../../lib/constructs/handler-bundling.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RARE_CLIENTS = ['@aws-sdk/client-sns', '@aws-sdk/client-sqs', '@aws-sdk/client-secrets-manager'];
/** The operations the rare paths send, as the string literals their commands carry in a bundle. */
const RARE_OPERATIONS = ['"Publish"', '"SendMessage"', '"GetSecretValue"'];

let dir: string;
const metafiles: Record<string, Metafile> = {};

/** Bundles `entry` (from the project root) as the stack does, to `dir/name`, keeping its metafile. */
async function bundle(entry: string, name: string): Promise<void> {
  const result = await build({ ...handlerBuildOptions(join(ROOT, entry), join(dir, name)), absWorkingDir: ROOT, metafile: true, logLevel: 'silent' });
  metafiles[name] = result.metafile;
}

/** The npm packages a bundle took code from. */
function packagesIn(name: string): Set<string> {
  const output = Object.values(metafiles[name]!.outputs).find((entry) => entry.entryPoint !== undefined)!;
  return new Set(Object.keys(output.inputs).flatMap((path) => path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1] ?? []));
}

/** Runs the bundled handler in a fresh Node process on one operations-topic notification; its exit status and output. */
function invokeWithAlarm() {
  const event = { Records: [{ EventSource: 'aws:sns', Sns: { Subject: 'ALARM: "DenialAlerter-AlertDeadLetters"', Message: JSON.stringify({ AlarmName: 'DenialAlerter-AlertDeadLetters', NewStateValue: 'ALARM' }) } }] };
  const context = { functionName: 'DenialAlerter-Handler', awsRequestId: 'r-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:DenialAlerter-Handler' };
  const script = `const { handler } = await import(${JSON.stringify(join(dir, 'index.mjs'))});
    const context = { ...${JSON.stringify(context)}, getRemainingTimeInMillis: () => 30000 };
    await handler(${JSON.stringify(event)}, context);`;
  // No Slack webhook and no topic in the environment: the notice is only logged (no AWS call is needed).
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: tmpdir(), encoding: 'utf8', env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' }, timeout: 60_000 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'handler-cold-path-'));
  await Promise.all([bundle('lambdas/handler.ts', 'index.mjs'), bundle(HANDLER_LAZY_MODULES['operations.mjs'], 'operations.mjs')]);
  // The indexes the bundle reads at import, beside it as the stack's after-bundling step copies them.
  for (const file of HANDLER_DATA_FILES) cpSync(join(ROOT, file), join(dir, basename(file)), { recursive: true });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the handler's cold path", () => {
  it('has neither the SNS, the SQS nor the Secrets Manager client in index.mjs: they are in operations.mjs', () => {
    const main = packagesIn('index.mjs');
    const operations = packagesIn('operations.mjs');
    expect(main.has('@aws-sdk/client-dynamodb')).toBe(true);
    expect(RARE_CLIENTS.filter((name) => main.has(name))).toEqual([]);
    expect(RARE_CLIENTS.filter((name) => operations.has(name))).toEqual(RARE_CLIENTS);
    // The same in the text: no command of theirs is defined in the bundle, each is in the lazy module.
    const mainText = readFileSync(join(dir, 'index.mjs'), 'utf8');
    const operationsText = readFileSync(join(dir, 'operations.mjs'), 'utf8');
    expect(RARE_OPERATIONS.filter((literal) => mainText.includes(literal))).toEqual([]);
    expect(RARE_OPERATIONS.filter((literal) => operationsText.includes(literal))).toEqual(RARE_OPERATIONS);
  });

  it('loads operations.mjs from beside index.mjs when an alarm arrives, and only from there', () => {
    const delivered = invokeWithAlarm();
    expect(delivered.status, delivered.stderr).toBe(0);
    // Powertools writes warnings to stderr, the metrics (EMF) to stdout: the notice went through the operations path.
    expect(delivered.stderr).toContain('operations notice not sent to Slack: the default route has no Slack webhook');
    expect(delivered.stdout).toContain('"OperationsNoticesSent":0');

    renameSync(join(dir, 'operations.mjs'), join(dir, 'operations.mjs.away'));
    try {
      const missing = invokeWithAlarm();
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toMatch(/ERR_MODULE_NOT_FOUND[\s\S]*operations\.mjs|operations\.mjs[\s\S]*ERR_MODULE_NOT_FOUND/);
    } finally {
      renameSync(join(dir, 'operations.mjs.away'), join(dir, 'operations.mjs'));
    }
  });
});
