/** A local stand-in for SNS (query protocol, as @aws-sdk/client-sns speaks it) and a client pointed at it. */
import { SNSClient } from '@aws-sdk/client-sns';
import { startLocalServer, type LocalServer, type SeenRequest } from '../support/http-server.js';

/** SNS's query-protocol answer to Publish. */
export const PUBLISH_RESPONSE =
  '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult><ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata></PublishResponse>';

/** A local stand-in for SNS that answers Publish (or fails with `status`); the caller closes it. */
export async function fakeSns(status = 200): Promise<LocalServer> {
  const server = await startLocalServer((_, res) => {
    if (status === 200) return void res.writeHead(200, { 'content-type': 'text/xml' }).end(PUBLISH_RESPONSE);
    res.writeHead(status, { 'content-type': 'text/xml' }).end('<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Receiver</Type><Code>InternalError</Code><Message>boom</Message></Error><RequestId>r-1</RequestId></ErrorResponse>');
  });
  return server;
}

export function snsClient(origin: string, maxAttempts = 1): SNSClient {
  return new SNSClient({ endpoint: origin, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts });
}

/** The Publish request as SNS reads it (form-encoded, query protocol). */
export function parsePublish(request: SeenRequest) {
  const form = new URLSearchParams(request.body);
  const attributes: Record<string, { dataType: string | null; value: string | null }> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    attributes[form.get(`MessageAttributes.entry.${n}.Name`)!] = {
      dataType: form.get(`MessageAttributes.entry.${n}.Value.DataType`),
      value: form.get(`MessageAttributes.entry.${n}.Value.StringValue`),
    };
  }
  return { action: form.get('Action'), topicArn: form.get('TopicArn'), subject: form.get('Subject'), message: form.get('Message'), attributes };
}

