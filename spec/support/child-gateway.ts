/**
 * A gateway in another process, for tests that stall the client's own event loop: an
 * in-process gateway would stall with it. Plain JavaScript run by `node -e` (only `ws`),
 * it does the handshake with the given welcome timing and answers every frame (pongs
 * included) after `delayMs`, like a link with that round trip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { makeNodeWebSocket, type WebSocketFactory } from '../../src/transport/websocket';

const SCRIPT = `
const { WebSocketServer } = require('ws');
const [pingInterval, pingTimeout, delayMs] = process.argv.slice(1).map(Number);
const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
server.on('listening', () => process.stdout.write(String(server.address().port) + '\\n'));
server.on('connection', (socket) => {
  socket.on('error', () => {});
  socket.send(JSON.stringify({ sessionId: 's-1', timestamp: Date.now() }));
  let greeted = false;
  socket.on('message', (data) => {
    if (!greeted) {
      greeted = true;
      socket.send(JSON.stringify({ sessionId: 's-1', data: 'welcome', pingInterval, pingTimeout }));
      return;
    }
    const f = JSON.parse(String(data));
    const reply = f.op === 'ping'
      ? { id: f.id, op: 'pong', timestamp: Date.now() }
      : { id: f.id, op: f.op, code: '200000', data: { orderId: 'o-' + f.id, clientOid: (f.args || {}).clientOid || 'c' }, inTime: Date.now(), outTime: Date.now() };
    setTimeout(() => socket.send(JSON.stringify(reply)), delayMs);
  });
});
process.on('disconnect', () => process.exit(0));
`;

export interface ChildGateway {
  readonly url: string;
  close(): Promise<void>;
}

export async function startChildGateway(o: {
  pingInterval: number;
  pingTimeout: number;
  delayMs: number;
}): Promise<ChildGateway> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-e', SCRIPT, String(o.pingInterval), String(o.pingTimeout), String(o.delayMs)],
    { cwd: join(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const stdout = child.stdout as NonNullable<ChildProcess['stdout']>;
  const [chunk] = (await once(stdout, 'data')) as [Buffer];
  const port = Number(String(chunk).trim());
  return {
    url: `ws://127.0.0.1:${port}`,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill();
      await exited;
    },
  };
}

/** Blocks the event loop for `ms`, as CPU-bound code does. */
export function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spinning
  }
}

/** A Node WebSocket factory whose sockets call `onWrite` with every frame after it is written. */
export function writeWatchingWebSocket(onWrite: (data: unknown) => void): WebSocketFactory {
  return (url, protocols) => {
    const socket = makeNodeWebSocket(url, protocols) as ReturnType<WebSocketFactory> & {
      send(data: unknown): void;
    };
    const send = socket.send.bind(socket);
    socket.send = (data: unknown) => {
      send(data);
      onWrite(data);
    };
    return socket;
  };
}
