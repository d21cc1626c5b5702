/**
 * `npx tsx bench/socket-read.ts`: the client's CPU per inbound frame when a `ws` socket is read
 * through its own 'message' event (what src/transport/socket.ts does) or through
 * rxjs-websockets (`onmessage`, a MessageEvent per frame, then its Subject). The server runs in
 * a child process, so only the reading side is measured. Interleaved rounds, medians.
 */
import { spawn } from 'node:child_process';
import { Subject, switchMap } from 'rxjs';
import makeWebSocketObservable from 'rxjs-websockets';
import WebSocket from 'ws';

const N = 200_000;
const ROUNDS = 6;
const FRAME =
  '{"id":"123456","op":"spot.order","code":"200000","data":{"orderId":"6650a8f6e5e4b10007a4f1a2","clientOid":"c"},' +
  '"inTime":1716000000000,"outTime":1716000000001}';
const SERVER = `
  const { WebSocketServer } = require('ws');
  const wss = new WebSocketServer({ port: 0, perMessageDeflate: false });
  wss.on('listening', () => console.log(wss.address().port));
  const frames = Array.from({ length: ${N} }, () => ${JSON.stringify(FRAME)});
  wss.on('connection', (s) => s.on('message', () => { for (const f of frames) s.send(f); }));
`;

type Kind = 'message' | 'rxjs-websockets';

function run(url: string, kind: Kind): Promise<number> {
  return new Promise((resolve) => {
    let n = 0;
    let t0 = process.cpuUsage();
    const done = (): void => {
      const t = process.cpuUsage(t0);
      resolve((t.user + t.system) / N);
    };
    const make = (): WebSocket => new WebSocket(url, { perMessageDeflate: false });
    if (kind === 'message') {
      const ws = make();
      ws.on('open', () => {
        t0 = process.cpuUsage();
        ws.send('go');
      });
      ws.on('message', (data) => {
        if (String(data).length > 0 && ++n === N) {
          done();
          ws.terminate();
        }
      });
      return;
    }
    let ws: WebSocket | undefined;
    const subscription = makeWebSocketObservable<string>(url, {
      protocols: [],
      makeWebSocket: () => (ws = make()) as never,
    })
      .pipe(
        switchMap((getResponses) => {
          t0 = process.cpuUsage();
          ws?.send('go');
          return getResponses(new Subject<string>());
        }),
      )
      .subscribe((data) => {
        if (String(data).length > 0 && ++n === N) {
          done();
          subscription.unsubscribe();
        }
      });
  });
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
  );
  const url = `ws://127.0.0.1:${port}`;
  const samples: Record<Kind, number[]> = { message: [], 'rxjs-websockets': [] };
  for (let r = 0; r < ROUNDS; r++) {
    const kinds: Kind[] = r % 2 === 0 ? ['message', 'rxjs-websockets'] : ['rxjs-websockets', 'message'];
    for (const kind of kinds) samples[kind].push(await run(url, kind));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const kind of Object.keys(samples) as Kind[])
    console.log(
      `${kind.padEnd(16)} ${median(samples[kind]).toFixed(2)} µs per frame (client CPU, median of ${ROUNDS})`,
    );
  child.kill();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
