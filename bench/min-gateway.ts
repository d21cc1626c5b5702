/**
 * The minimal gateway for the benchmarks, in its own process: a `ws` server that checks
 * nothing. It runs the session handshake the client needs (challenge, any reply, welcome)
 * without verifying the signature, then answers every request with the same success envelope
 * the simulator's ack mode sends for `spot.order` (its id, op and clientOid echoed, as every
 * gateway does and the client checks; a fixed order id of the same length as the ack mode's, so
 * the frames weigh the same), and a pong
 * to a ping. Answers are collected per socket while a tick reads, and leave on setImmediate,
 * under one cork per socket: one writev for all the answers of a tick. It is the physical
 * limit on the gateway side, where the simulator's ack mode still parses, validates, counts
 * quota and builds data per request.
 *
 * Prints one JSON line as bench/sim-child.ts does: its URL, credentials (any will do) and a
 * control URL. POST /delay?ms=N holds every answer (for at most N ms; 0 releases them at
 * once), for the heap-per-pending-call scenario.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

const ORDER_ID = '6650a8f6e5e4b10007a4f1a2';
/** The clientOid of a request that names none (neither benchmark client sends one). */
const CLIENT_OID = '00000000-0000-4000-8000-000000000000';
const CLIENT_OID_KEY = '"clientOid":"';
const RATE_LIMIT = '{"limit":1000000000,"reset":30000,"remaining":999999999}';
const HEAD = '{"id":"';
const PING_INTERVAL_MS = 18_000;
const PING_TIMEOUT_MS = 10_000;

/** One connection: its `ws` socket, the TCP socket under it, the answers of this tick. */
interface Peer {
  readonly ws: WebSocket;
  readonly tcp: Duplex;
  answers: string[];
  welcomed: boolean;
}

/** Peers with answers waiting for the end of the tick. */
const dirty = new Set<Peer>();
let flushScheduled = false;
/** While set: answers are held (the delay control); released when the hold ends. */
let holding = false;
let holdTimer: NodeJS.Timeout | undefined;

function flush(): void {
  flushScheduled = false;
  if (holding) return;
  for (const peer of dirty) {
    const answers = peer.answers;
    peer.answers = [];
    if (peer.ws.readyState !== peer.ws.OPEN) continue;
    peer.tcp.cork();
    for (let i = 0; i < answers.length; i++) peer.ws.send(answers[i]);
    peer.tcp.uncork();
  }
  dirty.clear();
}

function schedule(peer: Peer, answer: string): void {
  peer.answers.push(answer);
  dirty.add(peer);
  if (!flushScheduled && !holding) {
    flushScheduled = true;
    setImmediate(flush);
  }
}

function release(): void {
  holding = false;
  if (holdTimer !== undefined) clearTimeout(holdTimer);
  holdTimer = undefined;
  flush();
}

/** The request's clientOid, sliced out of its text (a clientOid has no quote or escape). */
function clientOidIn(text: string): string {
  const at = text.indexOf(CLIENT_OID_KEY);
  if (at < 0) return CLIENT_OID;
  const start = at + CLIENT_OID_KEY.length;
  return text.slice(start, text.indexOf('"', start));
}

/**
 * The answer to one request frame. Both benchmark clients write `{"id":"…","op":"…",…}`, so the
 * id, op and clientOid are sliced out of the text; anything else is parsed.
 */
function answerTo(text: string, now: number): string {
  let id: string;
  let op: string;
  if (text.startsWith(HEAD)) {
    const idEnd = text.indexOf('"', HEAD.length);
    id = text.slice(HEAD.length, idEnd);
    const opStart = idEnd + 8; // past `","op":"`
    op = text.slice(opStart, text.indexOf('"', opStart));
  } else {
    const frame = JSON.parse(text) as { id?: unknown; op?: unknown };
    id = String(frame.id);
    op = String(frame.op);
  }
  if (op === 'ping') return `{"id":"${id}","op":"pong","timestamp":${now}}`;
  return (
    `{"id":"${id}","op":"${op}","code":"200000","data":{"orderId":"${ORDER_ID}","clientOid":"${clientOidIn(text)}"},` +
    `"inTime":${now},"outTime":${now},"rateLimit":${RATE_LIMIT}}`
  );
}

async function main(): Promise<void> {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const peer: Peer = { ws, tcp: socket, answers: [], welcomed: false };
      const sessionId = randomUUID();
      ws.on('error', () => undefined);
      ws.on('close', () => dirty.delete(peer));
      ws.on('message', (data: RawData) => {
        const text = String(data);
        if (peer.welcomed) {
          schedule(peer, answerTo(text, Date.now()));
          return;
        }
        // Whatever the client signed, it is welcome.
        peer.welcomed = true;
        ws.send(
          `{"sessionId":"${sessionId}","data":"welcome","pingInterval":${PING_INTERVAL_MS},"pingTimeout":${PING_TIMEOUT_MS}}`,
        );
      });
      ws.send(`{"sessionId":"${sessionId}","timestamp":${Date.now()}}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const control = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/delay') {
      const ms = Number(url.searchParams.get('ms') ?? '0');
      if (ms > 0) {
        holding = true;
        if (holdTimer !== undefined) clearTimeout(holdTimer);
        holdTimer = setTimeout(release, ms);
      } else release();
    }
    res.end('ok');
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));

  const port = (s: ReturnType<typeof createServer>): number => {
    const address = s.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  };
  process.stdout.write(
    JSON.stringify({
      url: `ws://127.0.0.1:${port(server)}`,
      credentials: { apiKey: 'bench-key', apiSecret: 'bench-secret', apiPassphrase: 'bench-passphrase' },
      control: `http://127.0.0.1:${port(control)}`,
    }) + '\n',
  );
  const stop = (): void => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    control.close();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop); // the parent went away
  process.stdin.resume();
}

void main();
