/**
 * Every TypeScript block of README.md and docs/ that sends orders runs here, against a
 * simulator over real sockets, as a user would paste it (runBlock: the clients it makes talk to
 * the test's simulator). Then the RxJS snippets are driven further through what they export:
 * bursts of signals at the cancel-and-replace snippet with the simulator's ledger watched after
 * every request, and refused orders in the middle of the exhaustMap and ladder snippets.
 */
import { Subject, switchMap, type Observable } from 'rxjs';
import { WebsocketAPIClient } from '../../src';
import { startSimulator, type ExchangeApi, type Simulator } from '../../src/simulator';
import { codeBlocks, docFiles, placesOrders, runBlock, type Block } from './blocks';

const orderBlocks = docFiles()
  .flatMap((f) => codeBlocks(f))
  .filter((b) => placesOrders(b.code));

let sim: Simulator | undefined;
const clients: WebsocketAPIClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
  sim = undefined;
});

async function freshSimulator(): Promise<Simulator> {
  sim = await startSimulator({ port: 0 });
  return sim;
}

function client(s: Simulator): WebsocketAPIClient {
  const c = new WebsocketAPIClient({ ...s.demoAccount, wsBaseUrl: s.url, attachEventListeners: false });
  clients.push(c);
  return c;
}

/** The demo account's open BTC-USDT orders, as the exchange sees them now. */
function openOrders(s: Simulator): number {
  const key = s.demoAccount.apiKey;
  return s.exchange
    .allOrders()
    .filter((o) => o.apiKey === key && o.symbol === 'BTC-USDT' && o.status === 'open').length;
}

/**
 * Calls `check` after every operation the exchange handles (the gateway calls `handle` once per
 * accepted request): a probe of what is open "at any time", not only at the end.
 */
function watch(s: Simulator, check: () => void): void {
  const exchange: ExchangeApi = s.exchange;
  const handle = exchange.handle.bind(exchange);
  exchange.handle = (apiKey, op, args, now) => {
    const result = handle(apiKey, op, args, now);
    check();
    return result;
  };
}

/** The block that defines `name` (an exported function), from the docs. */
function blockExporting(name: string): Block {
  const found = orderBlocks.filter((b) => new RegExp(`export (function|const) ${name}\\b`).test(b.code));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('every block of the docs that sends orders runs against the simulator', () => {
  it('finds them (README and docs/)', () => {
    const files = new Set(orderBlocks.map((b) => b.file));
    expect(files).toEqual(
      new Set(['README.md', 'docs/api.md', 'docs/delivery.md', 'docs/rxjs.md', 'docs/simulator.md']),
    );
  });

  it.each(orderBlocks.map((b) => [b.name, b] as const))('%s', async (_name, block) => {
    const s = await freshSimulator();
    const run = await runBlock(block, s);
    // It made a client, sent orders through it (to this simulator, unless it started its own),
    // printed no undefined values, and closed every client it made.
    expect(run.clients.length).toBeGreaterThan(0);
    if (!block.code.includes('startSimulator(')) {
      expect(s.countFrames((f) => /^(spot|margin|futures)\./.test(f.op ?? ''))).toBeGreaterThan(0);
    }
    expect(run.logs.filter((l) => l.includes('undefined'))).toEqual([]);
    // Only the ladder reports a failure, on purpose (an off-tick price).
    if (!block.code.includes('export const ladder')) expect(run.errors).toEqual([]);
    for (const c of run.clients) {
      expect([c.stateOf('wsApiSpotV1').status, c.stateOf('wsApiFuturesV1').status]).toEqual([
        'closed',
        'closed',
      ]);
    }
  });

  it('README.md: the error example meets the gateway refusal it describes', async () => {
    const [block] = codeBlocks(docFiles()[0]).filter((b) => b.code.includes('20000.05'));
    const run = await runBlock(block, await freshSimulator());
    expect(run.logs).toEqual([
      expect.stringMatching(/^400100 price must be a multiple of priceIncrement 0\.1/),
    ]);
  });

  it('README.md: the order-updates example prints the events it promises, all from push', async () => {
    const [block] = codeBlocks(docFiles()[0]).filter((b) => b.code.includes('received → match → filled'));
    const run = await runBlock(block, await freshSimulator());
    expect(run.errors).toEqual([]);
    expect(run.logs).toContainEqual(expect.stringMatching(/ received → match( → match)* → filled$/));
    // orderUpdates$ printed the same order's events, from push.
    expect(run.logs).toContainEqual(expect.stringMatching(/ filled done push$/));
  });

  it("docs/simulator.md: KuCoin's SDK, given the simulator's URLs, reads its clock, hears the fill and finds the order", async () => {
    const [block] = docFiles()
      .flatMap((f) => codeBlocks(f))
      .filter((b) => b.code.includes("from 'kucoin-api'"));
    const run = await runBlock(block, await freshSimulator());
    expect(run.errors).toEqual([]);
    // (Lines of this package's client log, which goes to the same console, left out.)
    const printed = run.logs.filter((l) => !l.startsWith('[kucoin-wsapi-rx]'));
    expect(printed).toEqual([expect.stringMatching(/^\d{13} \d{13}$/), 'sdk-doc-1', '0.001']);
  });
});

describe('docs/rxjs.md: retrying a rate-limited call', () => {
  it('every attempt carries the same clientOid, as its comment says', async () => {
    const [block] = orderBlocks.filter((b) => b.file === 'docs/rxjs.md' && b.code.includes('retry({'));
    sim = await startSimulator({ port: 0, rateLimit: { limit: 2, windowMs: 3_000 } });
    // The quota is spent: the block's first attempt is refused with 429000 and retried (the next
    // window has room for the placement and the block's cancel).
    const spender = client(sim);
    for (let i = 0; i < 2; i++)
      await spender.submitNewSpotOrder({
        side: 'buy',
        symbol: 'BTC-USDT',
        type: 'limit',
        price: '19000',
        size: '0.001',
      });
    const run = await runBlock(block, sim);
    expect(run.errors).toEqual([]);
    const oids = sim
      .framesReceived()
      .filter((f) => f.text.startsWith('{'))
      .map((f) => (JSON.parse(f.text) as { op?: string; args?: { clientOid?: string } }).args?.clientOid)
      .filter((oid): oid is string => oid?.startsWith('retry-') === true);
    expect(oids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(oids).size).toBe(1);
  });
});

type Driven = (client: WebsocketAPIClient, prices$: Observable<number>) => Observable<unknown>;

/** The price a `spot.order` with this clientOid was sent at, from the simulator's frame log. */
function priceOf(s: Simulator, clientOid: string): string | undefined {
  for (const f of s.framesReceived()) {
    if (!f.text.startsWith('{')) continue; // the handshake's signature
    const frame = JSON.parse(f.text) as { op?: string; args?: { clientOid?: string; price?: string } };
    if (frame.op === 'spot.order' && frame.args?.clientOid === clientOid) return frame.args.price;
  }
  return undefined;
}

describe('docs/rxjs.md: cancel and replace', () => {
  const block = blockExporting('cancelAndReplace');

  it('its own burst of five leaves at most one live order at any time, and none at the end', async () => {
    const s = await freshSimulator();
    let most = 0;
    watch(s, () => (most = Math.max(most, openOrders(s))));
    const { errors } = await runBlock(block, s);
    expect(errors).toEqual([]);
    expect(most).toBe(1);
    expect(openOrders(s)).toBe(0);
  });

  it('bursts of 1 to 9 signals: never more than one live order; after each burst exactly one, at its last price', async () => {
    const s = await freshSimulator();
    const { exports } = await runBlock(block, s);
    const cancelAndReplace = exports.cancelAndReplace as (
      client: WebsocketAPIClient,
      prices$: Observable<number>,
    ) => Observable<string>;
    let most = 0;
    let checks = 0;
    watch(s, () => {
      checks++;
      most = Math.max(most, openOrders(s));
    });
    const c = client(s);
    const prices$ = new Subject<number>();
    let waitingFor: { price: string; resolve: () => void } | undefined;
    let placements = 0;
    const done = new Promise<void>((resolve, reject) =>
      cancelAndReplace(c, prices$).subscribe({
        next: (clientOid) => {
          placements++;
          if (waitingFor !== undefined && priceOf(s, clientOid) === waitingFor.price) waitingFor.resolve();
        },
        error: reject,
        complete: resolve,
      }),
    );
    let price = 19_000;
    let signals = 0;
    for (const size of [5, 1, 9, 2, 5, 3, 7, 4]) {
      const last = price + 10 * size;
      const placedLast = new Promise<void>((resolve) => (waitingFor = { price: String(last), resolve }));
      for (let i = 0; i < size; i++) prices$.next((price += 10));
      signals += size;
      await placedLast;
      expect(openOrders(s)).toBe(1); // what the strategy believes: one order, at the latest price
    }
    prices$.complete();
    await done;
    expect(checks).toBeGreaterThan(2 * 8);
    expect(most).toBe(1);
    expect(openOrders(s)).toBe(0);
    // Signals superseded while waiting their turn were skipped, not placed and cancelled.
    expect(placements).toBeLessThan(signals);
  });

  it('the probe can fail: the old switchMap(async …) snippet leaves orders behind', async () => {
    const s = await freshSimulator();
    let most = 0;
    watch(s, () => (most = Math.max(most, openOrders(s))));
    const c = client(s);
    const prices$ = new Subject<number>();
    let live: string | undefined;
    let answered = 0;
    const allAnswered = new Promise<void>((resolve) =>
      prices$
        .pipe(
          switchMap(async (p) => {
            if (live !== undefined) await c.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: live });
            const order = {
              side: 'buy',
              symbol: 'BTC-USDT',
              type: 'limit',
              price: String(p),
              size: '0.001',
            } as const;
            live = (await c.submitNewSpotOrder(order)).data.orderId;
            if (++answered === 5) resolve();
          }),
        )
        .subscribe(),
    );
    for (const p of [19_000, 19_010, 19_020, 19_030, 19_040]) prices$.next(p);
    await allAnswered;
    expect(most).toBe(5);
    expect(openOrders(s)).toBe(5);
  });
});

describe('docs/rxjs.md: a refused order does not end the stream', () => {
  const block = blockExporting('ladder');

  it('the ladder places the rest when prices are off the tick', async () => {
    const s = await freshSimulator();
    const { exports, logs, errors } = await runBlock(block, s);
    // The block's own run: two placed, one refused by the gateway, nothing left open.
    expect(logs).toContain('placed 2');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/18999\.95.*multiple of priceIncrement/);
    expect(openOrders(s)).toBe(0);

    const ladder = exports.ladder as Driven;
    const c = client(s);
    const prices$ = new Subject<number>();
    const placed = new Promise<number>((resolve, reject) => {
      let n = 0;
      ladder(c, prices$).subscribe({ next: () => n++, error: reject, complete: () => resolve(n) });
    });
    for (const p of [18_000.05, 18_000, 17_990.01, 17_990, 17_980]) prices$.next(p);
    prices$.complete();
    expect(await placed).toBe(3);
    expect(openOrders(s)).toBe(3);
  });

  it('exhaustMap takes the next signal after a refusal', async () => {
    const s = await freshSimulator();
    let refused: () => void = () => undefined;
    const { exports } = await runBlock(block, s, { onError: () => refused() });
    const firstWins = exports.firstWins as Driven;
    const c = client(s);
    const prices$ = new Subject<number>();
    const outcome = new Promise<number>((resolve, reject) => {
      let n = 0;
      firstWins(c, prices$).subscribe({
        next: () => {
          n++;
          prices$.complete();
        },
        error: reject,
        complete: () => resolve(n),
      });
    });
    const reported = new Promise<void>((resolve) => (refused = resolve));
    prices$.next(18_999.95); // refused by the gateway; the block's catchError reports it
    await reported;
    prices$.next(19_000);
    expect(await outcome).toBe(1);
    expect(openOrders(s)).toBe(1);
  });
});

describe('docs/delivery.md: an order whose answer is lost', () => {
  it('is cancelled by its clientOid once the client is connected again', async () => {
    const [block] = codeBlocks(docFiles().find((f) => f.endsWith('delivery.md')) ?? '');
    const s = await freshSimulator();
    // The exchange accepts the order, then every session drops before the answer is sent.
    const exchange: ExchangeApi = s.exchange;
    const handle = exchange.handle.bind(exchange);
    let placed: string | undefined;
    exchange.handle = (apiKey, op, args, now) => {
      const result = handle(apiKey, op, args, now);
      if (op === 'spot.order' && placed === undefined) {
        placed = (args as { clientOid: string }).clientOid;
        s.faults.dropSessions();
      }
      return result;
    };
    await runBlock(block, s);
    expect(placed).toBeDefined();
    expect(s.exchange.acceptedCount(placed ?? '')).toBe(1); // placed once, never sent again
    expect(s.exchange.ledger(placed ?? '')?.status).toBe('done'); // and cancelled by the block
    expect(s.countFrames((f) => f.op === 'spot.cancel')).toBe(1);
  });
});
