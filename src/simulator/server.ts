import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** The only path the gateway serves (docs/protocol.md §1). */
export const WS_PATH = '/v1/private';

/**
 * How long an idle keep-alive connection stays open (ms): about a minute, as KuCoin's gateways
 * and common load balancers keep them. Node's default (5 s) is shorter than a stall of the
 * simulator's event loop may be: its idle timer runs before the socket is read, so a request
 * that arrived during the stall was reset instead of answered.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 60_000;

/** What the simulator's one HTTP server hands on: REST requests, WebSocket upgrades, bad HTTP. */
export interface HttpHandlers {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  clientError(err: NodeJS.ErrnoException, socket: Duplex): void;
}

/**
 * The HTTP server the WS API, the push channel and REST share (one port). A request's headers
 * and body must arrive within `timeoutMs`, so a client that trickles bytes cannot hold a
 * connection open. Idle keep-alive connections stay open KEEP_ALIVE_TIMEOUT_MS.
 */
export function createHttpServer(timeoutMs: number, handlers: HttpHandlers): Server {
  const server = createServer(
    {
      headersTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1_000, Math.max(10, timeoutMs / 4)),
    },
    (req, res) => handlers.request(req, res),
  );
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    handlers.upgrade(req, socket, head),
  );
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => handlers.clientError(err, socket));
  return server;
}

/** Starts listening; resolves with the bound port (rejects if the port cannot be bound). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(boundPort(server, port));
    });
  });
}

/** The port the server is bound to, or `fallback` before it listens. */
export function boundPort(server: Server, fallback: number): number {
  return (server.address() as AddressInfo | null)?.port ?? fallback;
}

/** Stops listening and drops every HTTP connection; resolves once the server is closed. */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Refuses an upgrade with a bare HTTP status (no WebSocket is made). */
export function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
