/**
 * Gaps in the push channel, against the simulator on 127.0.0.1 with the real push channel: the
 * races and overflows in which a fill the push socket missed must still reach `call.updates$`
 * (its matches then sum to the ledger's dealSize) before the terminal event completes it.
 * REST lookups are held at a gate (the client's `fetch` option) where a race needs one in flight.
 */
import { filter, firstValueFrom } from 'rxjs';
import type { AddressInfo } from 'node:net';
import type { WebSocketLike } from 'rxjs-websockets';
import WebSocket, { WebSocketServer } from 'ws';
import type { OrderUpdate, WebsocketAPIClient } from '../../src';
import { demoAccount, type Simulator } from '../../src/simulator';
import { makeNodeWebSocket, type WebSocketFactory } from '../../src/transport/websocket';
import { allUpdates, limitBuy, useHarness } from '../client/harness';
import { decimalSum } from '../support/decimal';
import { bob } from '../simulator/rest-client';

const h = useHarness();

const tracking = h.tracking;

/** Bob's client (a second account whose orders cross Alice's). */
async function bobClient(sim: Simulator): Promise<WebsocketAPIClient> {
  const client = h.client(sim, {
    apiKey: bob.apiKey,
    apiSecret: bob.apiSecret,
    apiPassphrase: bob.apiPassphrase,
  });
  await client.connect();
  return client;
}

/**
 * A `fetch` whose order lookups wait at a gate while it is closed: `asked` resolves when the
 * first lookup reaches the closed gate, `open()` lets it (and every later one) through.
 */
function gatedFetch(): {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  close(): void;
  open(): void;
  asked: Promise<void>;
} {
  let closed = false;
  let opened: () => void = () => undefined;
  let gate = Promise.resolve();
  let ask: () => void = () => undefined;
  const asked = new Promise<void>((resolve) => (ask = resolve));
  return {
    fetch: async (input, init) => {
      if (closed && input.includes('/orders/')) {
        ask();
        await gate;
      }
      return fetch(input, init);
    },
    close: () => {
      closed = true;
      gate = new Promise<void>((resolve) => (opened = resolve));
    },
    open: () => {
      closed = false;
      opened();
    },
    asked,
  };
}

/**
 * A WebSocket factory whose WS API sockets hold back the frames that mention `clientOid` (the
 * order's answer) until `release()`; the frames travel as usual, the client just reads them late.
 */
function heldAnswers(clientOid: string): { makeWebSocket: WebSocketFactory; release(): void } {
  let holding = true;
  const waiting: Array<() => void> = [];
  return {
    makeWebSocket: (url, protocols) => {
      const socket = makeNodeWebSocket(url, protocols) as WebSocketLike & {
        on(event: string, listener: (...args: unknown[]) => void): unknown;
      };
      if (url.includes('/push/')) return socket;
      const on = socket.on;
      socket.on = function (this: unknown, event: string, listener: (...args: unknown[]) => void) {
        if (event !== 'message') return on.call(this, event, listener);
        return on.call(this, event, (...args: unknown[]) => {
          if (holding && String(args[0]).includes(clientOid)) waiting.push(() => listener(...args));
          else listener(...args);
        });
      };
      return socket;
    },
    release: () => {
      holding = false;
      for (const deliver of waiting.splice(0)) deliver();
    },
  };
}

const all = allUpdates;

const sum = decimalSum;
const matchSum = (seen: readonly OrderUpdate[]): string =>
  sum(seen.filter((u) => u.type === 'match').map((u) => u.matchSize ?? '0'));

/** A sell of 0.0001 BTC at 29999 that only takes (IOC): it meets Alice's bid at that price. */
const sellPiece = {
  side: 'sell',
  symbol: 'BTC-USDT',
  type: 'limit',
  price: '29999',
  size: '0.0001',
  timeInForce: 'IOC',
} as const;

describe('a fill the push socket missed reaches updates$ before its terminal event', () => {
  it('the order ends on the push while the gap lookup after a reconnect is still in flight', async () => {
    const sim = await h.sim({ accounts: [demoAccount(1), bob] });
    const gate = gatedFetch();
    const alice = await tracking(sim, { fetch: gate.fetch });
    const seller = await bobClient(sim);
    // Alice's bid sits above the house's best bid, so Bob's pieces meet it first.
    const call = alice.submitNewSpotOrder(limitBuy({ price: '29999', size: '0.0003' }));
    await call;
    const events = all(call.updates$);
    const firstMatch = firstValueFrom(call.updates$.pipe(filter((u) => u.type === 'match')));
    await seller.submitNewSpotOrder(sellPiece); // fill 1, seen on the push
    await firstMatch;
    // Fill 2 while Alice's push socket is down: lost on the wire.
    sim.faults.refuseConnections(true);
    expect(sim.faults.dropSessions({ kind: 'push' })).toBeGreaterThan(0);
    await firstValueFrom(alice.stateOf$('pushSpot').pipe(filter((s) => s.status === 'reconnecting')));
    await seller.submitNewSpotOrder(sellPiece);
    // The push comes back; its gap lookup is held at the gate.
    gate.close();
    sim.faults.refuseConnections(false);
    await gate.asked;
    // Fill 3, the last: match and filled reach the push socket while the lookup is in flight.
    const pushFilled = firstValueFrom(
      alice.orderUpdates$.pipe(filter((u) => u.clientOid === call.clientOid && u.type === 'filled')),
    );
    await seller.submitNewSpotOrder(sellPiece);
    await pushFilled;
    gate.open();
    const seen = await events;
    const ledger = sim.exchange.ledger(call.clientOid as string);
    expect(ledger).toMatchObject({ status: 'done', dealSize: '0.0003' });
    expect(matchSum(seen)).toBe(ledger?.dealSize);
    // The missed fill comes from REST, before the terminal event.
    expect(seen.map((u) => `${u.type}:${u.source}`)).toEqual([
      'received:push',
      'open:push',
      'match:push',
      'match:push',
      'match:rest',
      'filled:push',
    ]);
    expect(seen.at(-2)).toMatchObject({ matchSize: '0.0001', filledSize: '0.0003' });
  });

  it('with REST down the held terminal event still completes updates$ (the missed fill then only shows in its filledSize)', async () => {
    const sim = await h.sim({ accounts: [demoAccount(1), bob] });
    const alice = await tracking(sim);
    const seller = await bobClient(sim);
    const call = alice.submitNewSpotOrder(limitBuy({ price: '29999', size: '0.0003' }));
    await call;
    const events = all(call.updates$);
    const firstMatch = firstValueFrom(call.updates$.pipe(filter((u) => u.type === 'match')));
    await seller.submitNewSpotOrder(sellPiece);
    await firstMatch;
    sim.faults.refuseConnections(true);
    expect(sim.faults.dropSessions({ kind: 'push' })).toBeGreaterThan(0);
    await firstValueFrom(alice.stateOf$('pushSpot').pipe(filter((s) => s.status === 'reconnecting')));
    await seller.submitNewSpotOrder(sellPiece); // missed
    sim.faults.restDown(true);
    sim.faults.refuseConnections(false);
    await firstValueFrom(alice.stateOf$('pushSpot').pipe(filter((s) => s.status === 'ready')));
    await seller.submitNewSpotOrder(sellPiece);
    const seen = await events;
    expect(seen.map((u) => `${u.type}:${u.source}`)).toEqual([
      'received:push',
      'open:push',
      'match:push',
      'match:push',
      'filled:push',
    ]);
    expect(matchSum(seen)).toBe('0.0002');
    expect(seen.at(-1)).toMatchObject({ filledSize: '0.0003' });
  });
});

describe('fills dropped from the early buffer are looked up over REST', () => {
  it('a taker meeting 300 makers before its answer: the matches still sum to its dealSize', async () => {
    const makers = 300; // more events than the early buffer keeps (256)
    const sim = await h.sim({ accounts: [demoAccount(1), bob] });
    const seller = await bobClient(sim);
    // Bob's tiny sells rest between the house's bids and asks: Alice's taker meets them first.
    await Promise.all(
      Array.from({ length: makers }, () =>
        seller.submitNewSpotOrder({
          side: 'sell',
          symbol: 'BTC-USDT',
          type: 'limit',
          price: '30000',
          size: '0.00001',
        }),
      ),
    );
    // Alice reads the answer only once the taker's filled event has come on the push socket:
    // every one of its events waits in the early buffer.
    const answers = heldAnswers('taker-300');
    const alice = await tracking(sim, { makeWebSocket: answers.makeWebSocket });
    const pushFilled = firstValueFrom(
      alice.orderUpdates$.pipe(filter((u) => u.clientOid === 'taker-300' && u.type === 'filled')),
    );
    const call = alice.submitNewSpotOrder({
      clientOid: 'taker-300',
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'limit',
      price: '30000',
      size: '0.003',
      timeInForce: 'IOC',
    });
    await pushFilled;
    answers.release();
    await call;
    const seen = await all(call.updates$);
    const ledger = sim.exchange.ledger(call.clientOid as string);
    expect(ledger).toMatchObject({ status: 'done', dealSize: '0.003' });
    expect(matchSum(seen)).toBe('0.003');
    // The dropped (oldest) fills come as one match from REST, before the terminal event.
    const rest = seen.filter((u) => u.source === 'rest');
    expect(rest.map((u) => u.type)).toEqual(['match']);
    expect(seen.at(-1)).toMatchObject({ type: 'filled', status: 'done', filledSize: '0.003' });
  });
});

describe('a gap lookup finds the order it follows', () => {
  it('an order modified while the push socket was down: its updates$ ends canceled (looked up by orderId)', async () => {
    const sim = await h.sim();
    const client = await tracking(sim);
    const call = client.submitNewSpotOrder(limitBuy());
    const placed = await call;
    const events = all(call.updates$);
    await firstValueFrom(call.updates$.pipe(filter((u) => u.type === 'open')));
    sim.faults.refuseConnections(true);
    expect(sim.faults.dropSessions({ kind: 'push' })).toBeGreaterThan(0);
    await firstValueFrom(client.stateOf$('pushSpot').pipe(filter((s) => s.status === 'reconnecting')));
    // The replacement shares the clientOid: a lookup by clientOid would find it, not this order.
    const modified = await client.modifySpotOrder({
      symbol: 'BTC-USDT',
      orderId: placed.data.orderId,
      newPrice: '20100',
    });
    expect(modified.data.clientOid).toBe(placed.data.clientOid);
    sim.faults.refuseConnections(false);
    const seen = await events;
    expect(seen.map((u) => `${u.type}:${u.source}`)).toEqual(['received:push', 'open:push', 'canceled:rest']);
    expect(seen.every((u) => u.orderId === placed.data.orderId)).toBe(true);
  });
});

/**
 * A proxy in front of the simulator's push endpoint that sends every `match` frame twice (a
 * push server or failover that delivers at least once); `fetch` points bullet-private's
 * endpoint at it.
 */
async function doublingPushProxy(): Promise<{
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  close(): Promise<void>;
}> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const proxyUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/push/v1`;
  let upstream = '';
  server.on('connection', (down, req) => {
    const up = new WebSocket(upstream + (req.url ?? '').replace(/^[^?]*/, ''));
    const queue: string[] = [];
    up.on('open', () => queue.splice(0).forEach((m) => up.send(m)));
    down.on('message', (d: Buffer) =>
      up.readyState === WebSocket.OPEN ? up.send(String(d)) : queue.push(String(d)),
    );
    up.on('message', (d: Buffer) => {
      const text = String(d);
      down.send(text);
      if (text.includes('"type":"match"')) down.send(text);
    });
    up.on('close', () => down.close());
    up.on('error', () => down.terminate());
    down.on('close', () => up.close());
  });
  return {
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      if (!input.includes('bullet-private')) return res;
      const body = (await res.json()) as { data: { instanceServers: Array<{ endpoint: string }> } };
      const server0 = body.data.instanceServers[0] as { endpoint: string };
      upstream = server0.endpoint;
      server0.endpoint = proxyUrl;
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    },
    close: async () => {
      for (const socket of server.clients) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a match delivered twice', () => {
  it('reaches updates$ once: the matches sum to the dealSize, one per tradeId', async () => {
    const sim = await h.sim();
    const proxy = await doublingPushProxy();
    const client = await tracking(sim, { fetch: proxy.fetch });
    try {
      const call = client.submitNewSpotOrder({
        side: 'buy',
        symbol: 'BTC-USDT',
        type: 'market',
        size: '0.5',
      });
      const doubled: OrderUpdate[] = [];
      const watched = client.orderUpdates$.subscribe((u) => {
        if (u.clientOid === call.clientOid && u.type === 'match') doubled.push(u);
      });
      const seen = await all(call.updates$);
      watched.unsubscribe();
      const ledger = sim.exchange.ledger(call.clientOid as string);
      const matches = seen.filter((u) => u.type === 'match');
      // The push channel did deliver each match twice.
      expect(doubled.length).toBe(2 * matches.length);
      expect(matchSum(seen)).toBe(ledger?.dealSize);
      const tradeIds = matches.map((u) => (u as { tradeId?: string }).tradeId);
      expect(new Set(tradeIds).size).toBe(matches.length);
      expect(seen.every((u) => u.source === 'push')).toBe(true);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
