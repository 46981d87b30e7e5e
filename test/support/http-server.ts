/**
 * A real HTTP server on 127.0.0.1 (port 0) that records requests and answers with the test's script: the one loopback
 * stand-in for Slack webhooks, SNS, Secrets Manager, STS, IAM and the other AWS endpoints the tests talk to.
 *
 * The script answers through `response`, or returns `false` / `'hang'` to never answer (a timeout, as far as the
 * client can tell), or calls {@link dropConnection} to close the connection without a response.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach } from 'vitest';

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** @deprecated the same as {@link RecordedRequest} (the name test/delivery used). */
export type SeenRequest = RecordedRequest;

/** The test's script: answer on `response`, or return `false` / `'hang'` to leave the request hanging. */
export type Respond = (request: RecordedRequest, response: ServerResponse, index: number) => boolean | 'hang' | void;

/** @deprecated the same as {@link Respond}. */
export type Answer = Respond;

/** A running server; `close` ends hanging requests too. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The same as `url`. */
  origin: string;
  port: number;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a server answering with `respond`; the caller closes it. */
export async function startHttpServer(respond: Respond): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const answer = respond(recorded, res, requests.length - 1);
      if (answer === false || answer === 'hang') hanging.add(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the loopback server has no port');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    origin: url,
    port: address.port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The same as {@link startHttpServer} (the name test/delivery used). */
export const startLocalServer = startHttpServer;

/** Closes the request's connection without an HTTP response (a proxy or load balancer dropping it). */
export function dropConnection(response: ServerResponse): void {
  response.socket?.destroy();
}

/** The origin of a port on 127.0.0.1 that nothing listens on (a server started, then closed). */
export async function closedPort(): Promise<string> {
  const server = await startHttpServer(() => undefined);
  await server.close();
  return server.origin;
}

/** The servers of one test file, each closed after the test that started it. */
export interface TestServers {
  /** Starts a server answering with `respond`, closed after the current test. */
  start(respond: Respond): Promise<LocalServer>;
  /** Closes `server` (started some other way, e.g. a fake SNS) after the current test; returns it. */
  track<T extends LocalServer>(server: T): T;
}

/** Registers an `afterEach` that closes every server started or tracked during the test; call at the top of a test file. */
export function useHttpServers(): TestServers {
  const servers: LocalServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const track = <T extends LocalServer>(server: T): T => {
    servers.push(server);
    return server;
  };
  return { start: async (respond) => track(await startHttpServer(respond)), track };
}
