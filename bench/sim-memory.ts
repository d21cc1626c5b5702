/**
 * `node --expose-gc --import tsx bench/sim-memory.ts`: the retained heap of one resting order
 * in the simulator's exchange (the order, its book entry, its ledger entry and indexes): the
 * heap after a full GC with N resting orders, minus the heap before them, divided by N. No
 * sockets: orders go straight to `Exchange.handle`, as the gateway calls it. Prints one line
 * per round and the median.
 */
import { Exchange } from '../src/simulator/exchange';
import { resolveOptions } from '../src/simulator/options';

const N = 20_000;
const ROUNDS = 5;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with: node --expose-gc --import tsx bench/sim-memory.ts');
  process.exit(2);
}

function round(): number {
  const o = resolveOptions({ seed: 1 });
  const ex = new Exchange({
    seed: o.seed,
    accounts: o.accounts,
    symbols: o.symbols,
    referencePrices: o.referencePrices,
  });
  const apiKey = o.accounts[0].apiKey;
  gc!();
  gc!();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < N; i++) {
    const price = (20_000 - (i % 2_000) / 10).toFixed(1); // 2,000 price levels, far below the book
    ex.handle(
      apiKey,
      'spot.order',
      { clientOid: `mem-${i}`, side: 'buy', symbol: 'BTC-USDT', type: 'limit', price, size: '0.001' },
      Date.now(),
    );
  }
  gc!();
  gc!();
  const after = process.memoryUsage().heapUsed;
  const resting = ex.restingCount('BTC-USDT');
  if (ex.allOrders().filter((e) => e.status === 'open').length !== N)
    throw new Error('not every order rests');
  const perOrder = (after - before) / N;
  console.log(
    `round: ${N.toLocaleString('en')} resting orders (book holds ${resting}), ${Math.round(perOrder)} B each`,
  );
  return perOrder;
}

const results: number[] = [];
for (let r = 0; r < ROUNDS; r++) results.push(round());
results.sort((a, b) => a - b);
const median = results[Math.floor(ROUNDS / 2)];
console.log(
  `retained heap per resting order: median ${Math.round(median)} B (min ${Math.round(results[0])}, max ${Math.round(results[ROUNDS - 1])}), ` +
    `Node ${process.version}`,
);
