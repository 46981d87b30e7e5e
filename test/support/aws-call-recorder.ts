/**
 * Records the AWS calls code makes with real SDK clients pointed at loopback endpoints: each request, read as AWS
 * reads it, becomes an IAM action and the resource it names. The service is the SigV4 credential scope's
 * (`Credential=…/<date>/<region>/<service>/aws4_request`, the "Signature Version 4" signing guide), the operation the
 * JSON protocols' `X-Amz-Target` (`DynamoDB_20120810.Query`) or the query protocol's `Action` form field
 * (`Action=Publish`). A {@link startRecordingProxy} stands in front of a real local service (DynamoDB Local) to record
 * its requests too.
 */
import { startHttpServer, type LocalServer, type RecordedRequest } from './http-server.js';

/** One AWS call: the IAM action and what it names. */
export interface RecordedAwsCall {
  /** `dynamodb:Query` */
  readonly action: string;
  /** The table, topic, secret or queue the request names (`TableName`, `TopicArn`, `SecretId`, `QueueUrl`). */
  readonly resource: string | null;
  /** The index of a DynamoDB Query or Scan. */
  readonly indexName?: string;
}

/** Prefixes of IAM actions where the signing name differs from the IAM service prefix. */
const SIGNING_NAME_TO_PREFIX: Record<string, string> = { email: 'ses', monitoring: 'cloudwatch' };

/** The AWS call a loopback request stands for, or null for a request that is not a signed AWS call. */
export function awsCallOf(request: RecordedRequest): RecordedAwsCall | null {
  const authorization = String(request.headers.authorization ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization);
  if (!scope) return null;
  const service = SIGNING_NAME_TO_PREFIX[scope[1]!] ?? scope[1]!;
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    const operation = target.slice(target.lastIndexOf('.') + 1);
    const body = (request.body ? JSON.parse(request.body) : {}) as Record<string, unknown>;
    const resource = [body.TableName, body.TopicArn, body.SecretId, body.QueueUrl].find((value) => typeof value === 'string') as string | undefined;
    return { action: `${service}:${operation}`, resource: resource ?? null, ...(typeof body.IndexName === 'string' ? { indexName: body.IndexName } : {}) };
  }
  const form = new URLSearchParams(request.body);
  const operation = form.get('Action');
  if (!operation) return null;
  return { action: `${service}:${operation}`, resource: form.get('TopicArn') ?? form.get('QueueUrl') ?? form.get('SecretId') };
}

/** A loopback server that forwards every request to `target` (a local service) and answers with its response, recording each. */
export async function startRecordingProxy(target: string): Promise<LocalServer> {
  return startHttpServer((request, response) => {
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name, value]) => typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
    void fetch(`${target}${request.url}`, { method: request.method, headers, body: ['GET', 'HEAD'].includes(request.method) ? undefined : request.body })
      .then(async (answer) => {
        const body = Buffer.from(await answer.arrayBuffer());
        const passed = Object.fromEntries([...answer.headers].filter(([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)));
        response.writeHead(answer.status, passed).end(body);
      })
      .catch((error: unknown) => response.writeHead(502).end(String(error)));
  });
}
