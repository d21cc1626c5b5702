/**
 * `npx tsx bench/push-cost.ts`: what the engine's order events cost in process, without
 * sockets. Places the simulator bench's resting spot.order mix on an Exchange directly,
 * (a) `none`: nobody listening, (b) `build`: a sink that takes each event's bytes (the `data`
 * the push hub frames), (c) `frame`: the hub's framing too (topic head and each WebSocket frame
 * copied into the session's buffer, handed over every 100 orders, like one tick, and given back
 * as the session's spare, as when its reader keeps up).
 * Prints CPU per order (µs), median and least of 5 rounds (PUSH_COST_ROUNDS=n: n rounds).
 * What `frame` adds over `none` is the push path's JS cost; the rest of what the simulator bench
 * measures for full+push is the kernel's (the socket write) and GC.
 */
import { Exchange } from '../src/simulator/exchange';
import type { OrderEventSink } from '../src/simulator/exchange/types';
import { FrameBuffer } from '../src/simulator/push-session';

const N = 60_000;
const BATCH = Number(process.env.PUSH_COST_BATCH ?? 100);

function orderArgs(n: number): Record<string, string> {
  const buy = n % 2 === 0;
  const level = (n >> 1) % 1_000;
  const price = buy
    ? `${20_000 + Math.floor(level / 10)}.${level % 10}`
    : `${40_000 + Math.floor(level / 10)}.${level % 10}`;
  return {
    type: 'limit',
    symbol: 'BTC-USDT',
    side: buy ? 'buy' : 'sell',
    price,
    size: '0.001',
    clientOid: `b${n}`,
  };
}

type Variant = 'none' | 'build' | 'frame';

function run(variant: Variant): number {
  const ex = new Exchange({
    seed: 1,
    accounts: [
      {
        apiKey: 'k',
        apiSecret: 's',
        apiPassphrase: 'p',
        balances: { USDT: '100000000', BTC: '10000', ETH: '100000' },
      },
    ],
    referencePrices: { 'BTC-USDT': '30000' },
  });
  const args = Array.from({ length: N }, (_, i) => orderArgs(i));
  const frames = new FrameBuffer();
  let spare: Buffer | undefined;
  let bytes = 0;
  const head = Buffer.from(
    '{"type":"message","topic":"/spotMarket/tradeOrdersV2","subject":"orderChange","channelType":"private","userId":"0123456789abcdef01234567","data":',
  );
  const sink: OrderEventSink | undefined =
    variant === 'none'
      ? undefined
      : {
          wants: () => true,
          event:
            variant === 'build'
              ? (_m, _data, start, end) => void (bytes += end - start)
              : (_m, data, start, end) => frames.addEvent(head, data, start, end),
        };
  ex.onOrderEvents('k', sink);
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const r = ex.handle('k', 'spot.order', args[i], 1_700_000_000_000 + i);
    if (r.code !== '200000') throw new Error(JSON.stringify(r));
    if (variant === 'frame' && i % BATCH === BATCH - 1) {
      // As a session whose reader keeps up: the buffer is handed over and comes back as the spare.
      const taken = frames.detach(spare);
      bytes += taken.frames.length;
      spare = taken.base;
    }
  }
  const c = process.cpuUsage(c0);
  if (bytes < 0) console.log(bytes);
  return (c.user + c.system) / N;
}

const results: Record<Variant, number[]> = { none: [], build: [], frame: [] };
const ROUNDS = Number(process.env.PUSH_COST_ROUNDS ?? 5);
for (let round = 0; round < ROUNDS; round++)
  for (const v of ['none', 'build', 'frame'] as const) results[v].push(run(v));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const v of ['none', 'build', 'frame'] as const)
  console.log(
    `${v.padEnd(6)} ${median(results[v]).toFixed(2)} µs/order, least ${Math.min(...results[v]).toFixed(2)}  (${results[v].map((x) => x.toFixed(2)).join(' ')})`,
  );
