import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of a real server, that can be cut: after `cutAfterRequests` requests it drops
 * every connection and refuses new ones, as a server that stopped would.
 */
export async function startCuttableProxy(targetPort: number, cutAfterRequests: number): Promise<{ port: number; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  let cut = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      if (chunk.toString('latin1').match(/^(POST|GET) /)) requests++;
      if (requests > cutAfterRequests && !cut) {
        cut = true;
        for (const socket of sockets) socket.destroy();
        server.close();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        if (!server.listening) resolve();
      }),
  };
}
