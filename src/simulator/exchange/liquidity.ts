import { div, floorTo, fromInt, mul } from './decimal';
import { Order, type OrderTerms } from './order';
import { mulberry32, randomInt, type Random } from './prng';
import type { ExchangeState } from './state';
import type { SymbolSpec } from './symbols';

/** Price levels seeded on each side of each book. */
export const SEED_LEVELS = 20;
/** Gap between seeded levels, as a fraction of the reference price (2 bp). */
const LEVEL_GAP_BP = 2n;

/**
 * Rests house orders around each symbol's reference price so market orders have something to
 * fill against: SEED_LEVELS levels per side starting one gap from the reference, each level
 * jittered by up to half a gap and holding one or two orders worth 5,000 to 25,000 quote each.
 * Everything comes from `seed`, so the same `seed` gives the same book.
 */
export function seedLiquidity(state: ExchangeState, seed: number): void {
  const random = mulberry32(seed);
  for (const spec of state.symbols.values()) {
    const reference = state.referencePrices.get(spec.symbol);
    if (reference !== undefined) seedSymbol(state, spec, reference, random);
  }
}

function seedSymbol(state: ExchangeState, spec: SymbolSpec, reference: bigint, random: Random): void {
  const tick = spec.tick > 0n ? spec.tick : 1n;
  const rawGap = floorTo((reference * LEVEL_GAP_BP) / 10_000n, tick);
  const gap = rawGap > tick ? rawGap : tick;
  const jitterTicks = Number(gap / tick / 2n);
  for (let i = 1; i <= SEED_LEVELS; i++) {
    for (const side of ['sell', 'buy'] as const) {
      const jitter = tick * BigInt(randomInt(random, 0, jitterTicks));
      const offset = gap * BigInt(i) + jitter;
      const price = side === 'sell' ? reference + offset : reference - offset;
      if (price <= 0n) continue;
      const orders = randomInt(random, 1, 2);
      for (let k = 0; k < orders; k++) restHouseOrder(state, spec, side, price, random);
    }
  }
}

function restHouseOrder(
  state: ExchangeState,
  spec: SymbolSpec,
  side: 'buy' | 'sell',
  price: bigint,
  random: Random,
): void {
  const notional = fromInt(randomInt(random, 5_000, 25_000));
  const unitValue = spec.market === 'futures' ? mul(price, spec.multiplier) : price;
  const step = spec.step > 0n ? spec.step : 1n;
  const size = floorTo(div(notional, unitValue), step);
  if (size <= 0n || size < spec.minSize) return;
  const terms: OrderTerms = {
    spec,
    side,
    type: 'limit',
    price,
    size,
    funds: undefined,
    timeInForce: 'GTC',
    expireAt: undefined,
    postOnly: false,
    hidden: false,
    peak: undefined,
    stp: undefined,
    clientOid: '',
  };
  const futures = spec.market === 'futures';
  const sequence = state.ids.nextSequence();
  const order = new Order(
    state.ids,
    sequence,
    terms,
    {
      account: state.house,
      wallet: futures ? state.house.futures : state.house.spot,
      line: futures ? 'futures' : 'spot',
    },
    0,
  );
  state.live.add(order);
  state.book(spec.symbol).add(order);
}
