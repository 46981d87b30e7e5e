/**
 * One loopback HTTP endpoint answering every AWS call the Lambda handler can make, for the cold-start bench: the SDK
 * is pointed at it with `AWS_ENDPOINT_URL` (every client) and fake credentials. Each answer has the documented shape
 * of a success with nothing stored (an empty query, no old item, a message id), so the handler runs its whole path.
 *
 * It records when the first request arrived (`performance.now()` of this process) and every call's name, in order.
 * test/support/http-server.ts is the tests' equivalent; it registers vitest hooks, so the bench has its own.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';

/** A running endpoint; `reset` forgets what it saw (one per measured process). */
export interface LoopbackAws {
  url: string;
  /** `performance.now()` when the first request since the last reset arrived, or null. */
  firstRequestAt(): number | null;
  /** Every call since the last reset: `DynamoDB_20120810.BatchWriteItem`, `SNS.Publish`, `POST /findings/import`, … */
  calls(): string[];
  reset(): void;
  close(): Promise<void>;
}

/**
 * DynamoDB answers (JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`): a table with nothing in it.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html (Items, Count, ScannedCount),
 * API_BatchWriteItem.html (UnprocessedItems), API_BatchGetItem.html (Responses, UnprocessedKeys), API_UpdateItem.html and
 * API_GetItem.html (no Attributes / Item when there is no such item), API_TransactWriteItems.html (an empty object).
 */
function dynamoDbAnswer(operation: string): unknown {
  switch (operation) {
    case 'Query':
    case 'Scan':
      return { Items: [], Count: 0, ScannedCount: 0 };
    case 'BatchWriteItem':
      return { UnprocessedItems: {} };
    case 'BatchGetItem':
      return { Responses: {}, UnprocessedKeys: {} };
    default:
      return {};
  }
}

/**
 * Query-protocol answers (SNS, STS, IAM: form-encoded `Action=…`, XML out):
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (PublishResult/MessageId),
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (Credentials, AssumedRoleUser),
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html; other actions an empty result.
 */
function queryAnswer(action: string): string {
  const result =
    action === 'Publish'
      ? `<MessageId>${randomUUID()}</MessageId>`
      : action === 'AssumeRole'
        ? `<Credentials><AccessKeyId>ASIABENCH</AccessKeyId><SecretAccessKey>bench</SecretAccessKey><SessionToken>bench</SessionToken><Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/DenialAlerterReader/bench</Arn><AssumedRoleId>AROABENCH:bench</AssumedRoleId></AssumedRoleUser>`
        : action === 'GetCallerIdentity'
          ? '<Arn>arn:aws:iam::111122223333:user/bench</Arn><UserId>AIDABENCH</UserId><Account>111122223333</Account>'
          : '';
  return `<${action}Response><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
}

/**
 * Other JSON services: SQS (JSON 1.0, `AmazonSQS.SendMessage`: MessageId and the body's MD5, which the SDK checks,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html), Secrets Manager
 * (`secretsmanager.GetSecretValue`: SecretString, https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html);
 * anything else an empty object.
 */
function jsonAnswer(target: string, body: string, url: string): unknown {
  const input = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
  if (target === 'AmazonSQS.SendMessage') return { MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(String(input.MessageBody ?? '')).digest('hex') };
  if (target === 'secretsmanager.GetSecretValue') return { ARN: input.SecretId, Name: 'bench', SecretString: `${url}/services/T000/B000/bench` };
  return {};
}

/** Starts the endpoint on 127.0.0.1 (a free port). */
export async function startLoopbackAws(): Promise<LoopbackAws> {
  let first: number | null = null;
  let calls: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    first ??= performance.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = request.headers['x-amz-target'];
      const send = (type: string, text: string) => response.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(text) }).end(text);
      if (typeof target === 'string') {
        calls.push(target);
        const [service, operation = ''] = target.split('.');
        send('application/x-amz-json-1.0', JSON.stringify(service?.startsWith('DynamoDB_') ? dynamoDbAnswer(operation) : jsonAnswer(target, body, url)));
      } else if (/(?:^|&)Action=/.test(body)) {
        const action = new URLSearchParams(body).get('Action') ?? '';
        calls.push(`query.${action}`);
        send('text/xml', queryAnswer(action));
      } else {
        // REST services (Security Hub's BatchImportFindings), Slack webhooks: accepted.
        calls.push(`${request.method} ${request.url}`);
        send('application/json', request.url === '/findings/import' ? JSON.stringify({ FailedCount: 0, SuccessCount: 0, FailedFindings: [] }) : '{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the loopback endpoint has no port');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    firstRequestAt: () => first,
    calls: () => [...calls],
    reset() {
      first = null;
      calls = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
