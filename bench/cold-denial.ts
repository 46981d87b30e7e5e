/**
 * Cold first denial (issue 22): from a fresh process's start to the first AWS request of a one-denial SQS batch, the
 * bundled handler's import, its dependencies and every data file the denial reads included, less a bare `node -e 0`
 * started the same way. Every AWS call goes to a loopback endpoint (bench/loopback-aws.ts) through `AWS_ENDPOINT_URL`,
 * with fake credentials; the times are taken in this process (spawn → first request arriving, spawn → bare exit).
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { syntheticDenial } from '../test/support/records.js';
import { startLoopbackAws, type LoopbackAws } from './loopback-aws.js';

/** One measured process. */
interface ColdSample {
  /** Spawn → first AWS request (handler) or spawn → exit (bare). */
  firstRequestMs: number;
  /** Spawn → exit. */
  exitMs: number;
  /** CPU milliseconds the process had used at its first request (handler) or at the end of its script (bare). */
  cpuMs: number;
  calls: string[];
  output: string;
}

/** What one run of the section measured (medians over `runs` fresh processes, taken in turns with the bare node). */
export interface ColdDenialResult {
  /** First AWS request less the bare start (the target's figure). */
  firstDenialMs: number;
  /** The same in CPU time (what an idle machine would show as wall time): the handler process's at its first request, less the bare one's. */
  firstDenialCpuMs: number;
  firstRequestMs: number;
  bareMs: number;
  /** Spawn → the process ended after the handler returned (every call of the batch answered). */
  wholeInvocationMs: number;
  /** The calls one cold invocation made, in order. */
  calls: string[];
  runs: number;
}

/** The one denial, as EventBridge puts a CloudTrail event on the queue (dated now: the handler's clock is arrival). */
function oneDenialBatch(): SQSEvent {
  const detail = syntheticDenial({ time: Date.now() });
  const body = JSON.stringify({ version: '0', id: 'bench', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', account: '111122223333', region: 'eu-west-1', detail });
  return {
    Records: [
      {
        messageId: 'bench-1',
        receiptHandle: 'bench',
        body,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'AIDABENCH', ApproximateFirstReceiveTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:denial-alerter-ingest',
        awsRegion: 'eu-west-1',
      },
    ],
  };
}

/** What the Lambda runtime does: import the handler module, then call it with the batch and a context. */
export function invokeScript(bundle: string): string {
  const context = {
    functionName: 'denial-alerter-bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:denial-alerter-bench',
    memoryLimitInMB: '1024',
    awsRequestId: 'bench',
    logGroupName: '/aws/lambda/denial-alerter-bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
  };
  // The child notes the CPU time it has used when its first request starts (diagnostics_channel announces it).
  return `import { subscribe } from 'node:diagnostics_channel';
let first = null;
subscribe('http.client.request.start', () => { first ??= { cpu: process.cpuUsage() }; });
const { handler } = await import(${JSON.stringify(bundle)});
const context = { ...${JSON.stringify(context)}, getRemainingTimeInMillis: () => 120000 };
const response = await handler(${JSON.stringify(oneDenialBatch())}, context);
console.log(JSON.stringify({ response, cpuMs: first ? (first.cpu.user + first.cpu.system) / 1000 : null }));
process.exit(0);`;
}

/** Runs `node …args` fresh; times are from just before the spawn. */
function runOnce(args: string[], env: NodeJS.ProcessEnv, aws: LoopbackAws): Promise<ColdSample> {
  aws.reset();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const exitMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`node ${args.slice(0, 2).join(' ')} exited ${code}: ${output}`));
      const first = aws.firstRequestAt();
      const printed = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { cpuMs?: number };
      resolve({ firstRequestMs: first === null ? exitMs : first - started, exitMs, cpuMs: printed.cpuMs ?? NaN, calls: aws.calls(), output });
    });
  });
}

/** `node -e 0`, printing the CPU time it used. */
const BARE_SCRIPT = 'const cpu = process.cpuUsage(); console.log(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 }));';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Measures the cold first denial of the bundle `bundle` (with its data beside it), `runs` times in turns with a bare
 * `node -e 0`, and checks that each invocation decided the denial (it wrote it to DynamoDB and failed no message).
 */
export async function coldFirstDenial(bundle: string, runs: number): Promise<ColdDenialResult> {
  const aws = await startLoopbackAws();
  try {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIABENCHEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL: aws.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_LAMBDA_FUNCTION_NAME: 'denial-alerter-bench',
      DENIAL_TABLE_NAME: 'denial-alerter-bench',
      ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:denial-alerts',
      // Lambda runs Node 22, where the SDK prints no NodeVersionSupportWarning; the bare node gets the same.
      NODE_NO_WARNINGS: '1',
    };
    const bare: ColdSample[] = [];
    const cold: ColdSample[] = [];
    for (let run = 0; run < runs; run++) {
      bare.push(await runOnce(['--input-type=module', '-e', BARE_SCRIPT], env, aws));
      const sample = await runOnce(['--input-type=module', '-e', invokeScript(bundle)], env, aws);
      const response = JSON.parse(sample.output.trim().split('\n').at(-1)!) as { response: { batchItemFailures: unknown[] } };
      if (response.response.batchItemFailures.length > 0 || !sample.calls.some((call) => call.startsWith('DynamoDB_'))) {
        throw new Error(`the cold invocation did not decide its denial: ${sample.output}`);
      }
      cold.push(sample);
    }
    const firstRequestMs = median(cold.map((sample) => sample.firstRequestMs));
    const bareMs = median(bare.map((sample) => sample.exitMs));
    const firstDenialCpuMs = median(cold.map((sample) => sample.cpuMs)) - median(bare.map((sample) => sample.cpuMs));
    return { firstDenialMs: firstRequestMs - bareMs, firstDenialCpuMs, firstRequestMs, bareMs, wholeInvocationMs: median(cold.map((sample) => sample.exitMs)), calls: cold[0]!.calls, runs };
  } finally {
    await aws.close();
  }
}

/** Bytes and files under `directory`, recursively. */
export function directorySize(directory: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
    files++;
  }
  return { bytes, files };
}
