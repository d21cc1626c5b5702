/**
 * A purpose-built gateway for the hardening suites: a bare `ws` server on 127.0.0.1 that does
 * the session handshake (challenge, any signature, a welcome the test may spell out) and then
 * hands every frame to the test, which decides what a hostile or broken gateway answers.
 * Credentials are not checked. `close()` cuts every socket and stops the server.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { WebsocketAPIClient, type WebsocketAPIClientOptions } from '../../src';

export interface GatewaySession {
  readonly socket: WebSocket;
  /** 1 for the first connection, 2 for the next, … */
  readonly n: number;
}

export interface HostileGatewayOptions {
  /** The welcome frame's text (default pingInterval 18 s, pingTimeout 10 s). */
  welcome?: (n: number) => string;
  /** After the welcome went out. */
  onReady?: (session: GatewaySession) => void;
  /** Every frame after the handshake (default: `answer`). */
  onFrame?: (frame: RequestLike, session: GatewaySession) => void;
}

export interface RequestLike {
  readonly id: string;
  readonly op: string;
  readonly args?: unknown;
}

export interface HostileGateway {
  readonly url: string;
  readonly server: WebSocketServer;
  /** Connections accepted so far. */
  connections(): number;
  /** Opens a client on this gateway (tests close it). */
  client(options?: WebsocketAPIClientOptions): WebsocketAPIClient;
  close(): Promise<void>;
}

export const welcomeFrame = (pingInterval: unknown = 18_000, pingTimeout: unknown = 10_000): string =>
  JSON.stringify({ sessionId: 's-1', data: 'welcome', pingInterval, pingTimeout });

/** The plain answer a well-behaved gateway gives: pongs for pings, success for requests. */
export function answerOf(frame: RequestLike, extra: Record<string, unknown> = {}): string {
  if (frame.op === 'ping') return JSON.stringify({ id: frame.id, op: 'pong', timestamp: Date.now() });
  const args = (frame.args ?? {}) as { clientOid?: string };
  return JSON.stringify({
    id: frame.id,
    op: frame.op,
    code: '200000',
    data: { orderId: `o-${frame.id}`, clientOid: args.clientOid ?? 'c' },
    inTime: 1,
    outTime: 2,
    ...extra,
  });
}

export const answer = (frame: RequestLike, { socket }: GatewaySession): void => socket.send(answerOf(frame));

export async function startHostileGateway(o: HostileGatewayOptions = {}): Promise<HostileGateway> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  let n = 0;
  const clients: WebsocketAPIClient[] = [];
  server.on('connection', (socket) => {
    const session: GatewaySession = { socket, n: ++n };
    socket.on('error', () => undefined);
    socket.send(`{"sessionId":"s-1","timestamp":${Date.now()}}`);
    let greeted = false;
    socket.on('message', (data) => {
      if (!greeted) {
        greeted = true;
        socket.send(o.welcome?.(session.n) ?? welcomeFrame());
        o.onReady?.(session);
        return;
      }
      let frame: RequestLike;
      try {
        frame = JSON.parse(String(data)) as RequestLike;
      } catch {
        return;
      }
      (o.onFrame ?? answer)(frame, session);
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}`;
  return {
    url,
    server,
    connections: () => n,
    client: (options = {}) => {
      const c = new WebsocketAPIClient({
        apiKey: 'key',
        apiSecret: 'secret',
        apiPassphrase: 'pass',
        wsBaseUrl: url,
        attachEventListeners: false,
        ...options,
      });
      clients.push(c);
      return c;
    },
    close: async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      for (const socket of server.clients) socket.terminate();
      await new Promise((r) => server.close(r));
    },
  };
}
