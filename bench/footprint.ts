/**
 * Lambda footprint, measured the way the stack bundles the handler: esbuild with `HANDLER_BUNDLING` (the options
 * `NodejsFunction` gets), the generated indexes copied beside `index.mjs` as the stack's after-bundling hook does.
 *
 * Prints the bundle size against 1 MB and the cold module import against 100 ms (a fresh `node` per run, median of 9,
 * wall and CPU time: on a loaded machine the CPU time is the steadier figure), each beside its floor: a handler of
 * middy, Powertools Logger and Metrics, DynamoDB and SQS alone, bundled the same way. Also the one-time cost the
 * import no longer pays (the first denial reading the IAM index), and a check that the lazy module loads.
 */
import { execSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterBundlingCommands, HANDLER_DATA_FILES, HANDLER_LAZY_MODULES, handlerBuildOptions } from '../lib/constructs/handler-bundling.js';
import { coldFirstDenial, directorySize } from './cold-denial.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The targets of issue 15. */
const TARGET_BUNDLE_BYTES = 1_000_000;
const TARGET_IMPORT_MS = 100;
/** The target of issue 22: the cold first denial, beyond a bare node. */
const TARGET_FIRST_DENIAL_MS = 100;
const RUNS = 9;

/** The floor: what any handler on this stack imports (middy, Powertools, DynamoDB, SQS). */
const FLOOR_ENTRY = `
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
const logger = new Logger({ serviceName: 'floor' });
const metrics = new Metrics({ namespace: 'floor', serviceName: 'floor' });
let clients;
export const handler = middy(async () => {
  clients ??= { dynamodb: new DynamoDBClient({}), sqs: new SQSClient({}) };
  return { GetItemCommand, SendMessageCommand, clients };
}).use(injectLambdaContext(logger)).use(logMetrics(metrics));
`;

/** Bundles `entry` (a file, or module source resolved from the project root) as the stack does into `dir/index.mjs`. */
async function bundle(entry: string | { contents: string }, dir: string): Promise<string> {
  const outfile = join(dir, 'index.mjs');
  const { entryPoints: _entryPoints, ...options } = handlerBuildOptions(typeof entry === 'string' ? entry : 'stdin', outfile);
  await build({
    ...options,
    ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { contents: entry.contents, resolveDir: ROOT, sourcefile: 'entry.ts', loader: 'ts' as const } }),
    absWorkingDir: ROOT,
    logLevel: 'silent',
  });
  return outfile;
}

/** One cold import: wall and CPU milliseconds of `import(bundle)` in a fresh Node process, plus `after` once. */
type ImportSample = { wallMs: number; cpuMs: number; afterMs: number | null };

function importOnce(bundlePath: string, after: string): ImportSample {
  const script = `
    const cpu = process.cpuUsage();
    const started = performance.now();
    const module = await import(${JSON.stringify(bundlePath)});
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    let afterMs = null;
    ${after ? `{ const t = performance.now(); await (${after})(module); afterMs = performance.now() - t; }` : ''}
    console.log(JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000, afterMs, handler: typeof module.handler }));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', DENIAL_TABLE_NAME: 'bench', AWS_LAMBDA_FUNCTION_NAME: 'bench' },
  });
  if (result.status !== 0) throw new Error(`importing ${bundlePath} failed: ${result.stderr}`);
  const parsed = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ImportSample & { handler: string };
  if (parsed.handler !== 'function') throw new Error(`${bundlePath} exports no handler`);
  return parsed;
}

/**
 * Cold imports of several bundles, taken in turns (so a burst of load on a shared machine hits them alike): per bundle
 * the median wall time, the median CPU time (what an idle machine would show as wall time) and `after`'s median.
 */
function coldImports(bundles: ReadonlyArray<{ path: string; after?: string }>): Array<{ importMs: number; cpuMs: number; afterMs: number | null }> {
  const samples: ImportSample[][] = bundles.map(() => []);
  for (let run = 0; run < RUNS; run++) bundles.forEach((bundle, index) => samples[index]!.push(importOnce(bundle.path, bundle.after ?? '')));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return samples.map((list) => {
    const after = list.map((sample) => sample.afterMs).filter((value): value is number => value !== null);
    return { importMs: median(list.map((sample) => sample.wallMs)), cpuMs: median(list.map((sample) => sample.cpuMs)), afterMs: after.length > 0 ? median(after) : null };
  });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');

/** Prints the handler's bundle size and cold import time against the targets and the floor. */
export async function benchFootprint(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'footprint-'));
  try {
    const handlerDir = mkdtempSync(join(work, 'handler-'));
    const handlerBundle = await bundle(join(ROOT, 'lambdas/handler.ts'), handlerDir);
    // The stack's after-bundling step, as it runs it: the lazy modules and the data files beside index.mjs.
    for (const command of afterBundlingCommands(ROOT.replace(/\/$/, ''), handlerDir)) execSync(command, { cwd: handlerDir, stdio: 'inherit' });
    const data = HANDLER_DATA_FILES.map((file) => directorySize(join(handlerDir, basename(file))));
    const dataBytes = data.reduce((sum, size) => sum + size.bytes, 0);
    const lazyBytes = Object.keys(HANDLER_LAZY_MODULES).reduce((sum, name) => sum + statSync(join(handlerDir, name)).size, 0);
    const floorBundle = await bundle({ contents: FLOOR_ENTRY }, mkdtempSync(join(work, 'floor-')));

    const bytes = statSync(handlerBundle).size;
    const floorBytes = statSync(floorBundle).size;
    const mapBytes = statSync(`${handlerBundle}.map`).size;
    // What a denial pays once per execution environment, moved out of the import: reading its service's part of the
    // IAM index, and when it alerts, of the managed-policy index (the fix's suggestions, as the renderers ask).
    const catalogDir = mkdtempSync(join(work, 'catalog-'));
    const catalogBundle = await bundle(
      { contents: `export { canonicalAction } from './lambdas/core/iam-catalog.ts';\nexport { managedPoliciesGranting } from './lambdas/core/iam-policy/managed-policies.ts';\nexport const handler = () => undefined;\n` },
      catalogDir,
    );
    for (const file of HANDLER_DATA_FILES) cpSync(join(ROOT, file), join(catalogDir, basename(file)), { recursive: true });
    const [handler, floor, firstUse, firstLookup] = coldImports([
      { path: handlerBundle },
      { path: floorBundle },
      { path: catalogBundle, after: '(m) => m.canonicalAction("s3:putobject")' },
      { path: catalogBundle, after: '(m) => m.managedPoliciesGranting("s3:PutObject", 20, "arn:aws:s3:::artifacts/builds/app.zip")' },
    ]);
    // Each lazy module loads on its own from beside the bundle (what the handler's first alert, finding or rare path imports).
    const lazyChecks: Record<keyof typeof HANDLER_LAZY_MODULES, string> = {
      'policy-diagnoser.mjs': 'typeof m.createPolicyDiagnoser()',
      'security-hub.mjs': 'typeof m.createSecurityHubFindings',
      'alert-delivery.mjs': 'typeof m.createLambdaPublisher({}).publish',
      'operations.mjs': 'typeof m.sqsDeadLetterSender()',
    };
    for (const [name, check] of Object.entries(lazyChecks)) {
      const lazyLoad = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(handlerDir, name))}); console.log(${check});`], {
        cwd: tmpdir(),
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
      });
      if (lazyLoad.stdout.trim() !== 'function') throw new Error(`${name} does not load from beside the bundle: ${lazyLoad.stderr}`);
    }
    if (!handler || !floor || !firstUse || !firstLookup) throw new Error('no import measured');
    console.log(`lambda    bundle ${kb(bytes)} (target <= ${kb(TARGET_BUNDLE_BYTES)}) [${verdict(bytes <= TARGET_BUNDLE_BYTES)}], floor ${kb(floorBytes)}, ratio ${(bytes / floorBytes).toFixed(2)}x; beside it, loaded on first use only: policy lookups, Security Hub, alert delivery and operations ${kb(lazyBytes)}, indexes ${kb(dataBytes)} (a denial reads its service's part) (map ${kb(mapBytes)})`);
    console.log(`          cold import ${handler.importMs.toFixed(0)} ms (target <= ${TARGET_IMPORT_MS} ms) [${verdict(handler.importMs <= TARGET_IMPORT_MS)}], floor ${floor.importMs.toFixed(0)} ms, ratio ${(handler.importMs / floor.importMs).toFixed(2)}x (median of ${RUNS} fresh processes)`);
    console.log(`          cold import CPU ${handler.cpuMs.toFixed(0)} ms (close to an idle machine's wall time) [${verdict(handler.cpuMs <= TARGET_IMPORT_MS)}], floor ${floor.cpuMs.toFixed(0)} ms, ratio ${(handler.cpuMs / floor.cpuMs).toFixed(2)}x`);
    console.log(`          first denial reads its service's part of the IAM index: ${firstUse.afterMs?.toFixed(1)} ms; an alerting one's first managed-policy lookup: ${firstLookup.afterMs?.toFixed(1)} ms (s3, in-process)`);
    const cold = await coldFirstDenial(handlerBundle, RUNS);
    console.log(
      `          cold first denial ${cold.firstDenialMs.toFixed(0)} ms beyond a bare node (target <= ${TARGET_FIRST_DENIAL_MS} ms) [${verdict(cold.firstDenialMs <= TARGET_FIRST_DENIAL_MS)}]: first AWS request (${cold.calls[0]}) ${cold.firstRequestMs.toFixed(0)} ms after spawn, bare node -e 0 ${cold.bareMs.toFixed(0)} ms; whole invocation ${cold.wholeInvocationMs.toFixed(0)} ms, ${cold.calls.length} AWS calls, loopback (median of ${cold.runs} fresh processes)`,
    );
    console.log(`          cold first denial CPU ${cold.firstDenialCpuMs.toFixed(0)} ms beyond a bare node's (close to an idle machine's wall time) [${verdict(cold.firstDenialCpuMs <= TARGET_FIRST_DENIAL_MS)}]`);
    const asset = directorySize(handlerDir);
    console.log(
      `          Lambda asset ${kb(asset.bytes)} in ${asset.files} files: bundle ${kb(bytes)}, its map ${kb(mapBytes)}, lazy modules ${kb(lazyBytes)} (+ maps), indexes ${kb(dataBytes)} in ${data.reduce((sum, size) => sum + size.files, 0)} files (one per service prefix)`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchFootprint();
