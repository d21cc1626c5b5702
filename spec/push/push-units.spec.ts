/** The push channel's pure pieces: the connect URL from a bullet-private answer, redaction, the state machine. */
import { lastValueFrom, Subject, toArray } from 'rxjs';
import { ProtocolError, type InboundMessage, type OrderUpdate } from '../../src';
import { pushEndpoint, redactPushUrl } from '../../src/push/push-endpoint';
import { isPushWsKey } from '../../src/push/push-key';
import { orderEvents } from '../../src/push/push-session';
import { PushStateMachine } from '../../src/push/push-state';
import type { Socket } from '../../src/transport/socket';

const bullet = (server: Record<string, unknown> = {}) => ({
  token: 'tok/en+=&x',
  instanceServers: [
    {
      endpoint: 'wss://ws-api-spot.kucoin.com/',
      encrypt: true,
      protocol: 'websocket',
      pingInterval: 18_000,
      pingTimeout: 10_000,
      ...server,
    },
  ],
});

describe('pushEndpoint', () => {
  it('puts the token and connectId in the query, URL-encoded, and takes the timing', () => {
    const e = pushEndpoint(bullet(), 'c-1');
    const url = new URL(e.url);
    expect(url.origin + url.pathname).toBe('wss://ws-api-spot.kucoin.com/');
    expect(url.searchParams.get('token')).toBe('tok/en+=&x');
    expect(url.searchParams.get('connectId')).toBe('c-1');
    expect(e).toMatchObject({ connectId: 'c-1', pingIntervalMs: 18_000, pingTimeoutMs: 10_000 });
  });

  it('keeps a query the endpoint already has', () => {
    const e = pushEndpoint(bullet({ endpoint: 'ws://127.0.0.1:1/push/v1?region=x' }), 'c');
    expect(new URL(e.url).searchParams.get('region')).toBe('x');
  });

  it('replaces unusable timing with the defaults and never pings more than 10 times a second', () => {
    expect(pushEndpoint(bullet({ pingInterval: 0, pingTimeout: -1 }), 'c')).toMatchObject({
      pingIntervalMs: 18_000,
      pingTimeoutMs: 10_000,
    });
    expect(pushEndpoint(bullet({ pingInterval: 1 }), 'c').pingIntervalMs).toBe(100);
    expect(pushEndpoint(bullet({ pingInterval: 1e12 }), 'c').pingIntervalMs).toBe(2 ** 31 - 1);
  });

  it('refuses an endpoint that is not a ws: or wss: URL (the token must not go elsewhere)', () => {
    for (const endpoint of ['https://example.com/', 'not a url', 'file:///etc/passwd']) {
      expect(() => pushEndpoint(bullet({ endpoint }), 'c')).toThrow(ProtocolError);
    }
  });

  it('uses the first websocket server of the list', () => {
    const b = {
      token: 't',
      instanceServers: [
        { endpoint: 'ws://a/', encrypt: false, protocol: 'other', pingInterval: 1000, pingTimeout: 1000 },
        { endpoint: 'ws://b/', encrypt: false, protocol: 'websocket', pingInterval: 1000, pingTimeout: 1000 },
      ],
    };
    expect(new URL(pushEndpoint(b, 'c').url).host).toBe('b');
  });
});

describe('redactPushUrl', () => {
  it('removes the token and signed values from a text quoting a URL', () => {
    const text =
      'failed: wss://x/?token=SECRET123&connectId=c and ws://y/v1/private?apikey=K&sign=S&passphrase=P';
    const out = redactPushUrl(text);
    for (const secret of ['SECRET123', '=K&', 'sign=S', 'passphrase=P']) expect(out).not.toContain(secret);
    expect(out).toContain('connectId=c');
  });
});

describe('PushStateMachine', () => {
  it('emits nothing until first used, then idle first; goes back to idle; completes after closed', async () => {
    const m = new PushStateMachine('pushSpot', () => 1);
    const all = lastValueFrom(m.state$.pipe(toArray()));
    expect(m.current).toMatchObject({ status: 'idle', wsKey: 'pushSpot' });
    m.to('connecting');
    m.to('authenticating');
    m.to('ready');
    m.to('idle');
    m.to('connecting');
    m.to('reconnecting', { attempt: 1, retryInMs: 5, error: new Error('x') });
    m.to('closed');
    m.to('connecting'); // ignored once closed
    expect((await all).map((s) => s.status)).toEqual([
      'idle',
      'connecting',
      'authenticating',
      'ready',
      'idle',
      'connecting',
      'reconnecting',
      'closed',
    ]);
  });

  it('a connection never used closes without emitting anything but completes', async () => {
    const m = new PushStateMachine('pushFutures');
    const all = lastValueFrom(m.state$.pipe(toArray()));
    m.to('closed');
    expect(await all).toEqual([]);
    expect(m.status).toBe('closed');
  });

  it('current$ replays idle before the first use, without repeating it when the connection is used', async () => {
    const m = new PushStateMachine('pushSpot', () => 1);
    const early = lastValueFrom(m.current$.pipe(toArray()));
    m.to('connecting');
    const late = lastValueFrom(m.current$.pipe(toArray()));
    m.to('closed');
    expect((await early).map((s) => s.status)).toEqual(['idle', 'connecting', 'closed']);
    expect((await late).map((s) => s.status)).toEqual(['connecting', 'closed']);
    // Never used and closed: current$ still says so; state$ stays empty.
    const unused = new PushStateMachine('pushFutures');
    unused.to('closed');
    expect((await lastValueFrom(unused.current$.pipe(toArray()))).map((s) => s.status)).toEqual(['closed']);
  });

  it('an illegal transition throws (a bug)', () => {
    const m = new PushStateMachine('pushSpot');
    expect(() => m.to('ready')).toThrow(/illegal/);
    expect(() => m.to('idle')).toThrow(/illegal/);
  });

  it('isPushWsKey knows only the two push keys', () => {
    expect(['pushSpot', 'pushFutures'].every(isPushWsKey)).toBe(true);
    expect(['wsApiSpotV1', 'toString', '__proto__', undefined].some(isPushWsKey)).toBe(false);
  });
});

describe('orderEvents and messages$', () => {
  const event = JSON.stringify({
    type: 'message',
    topic: '/contractMarket/tradeOrders',
    subject: 'orderChange',
    data: {
      orderId: 'o1',
      clientOid: 'c1',
      symbol: 'XBTUSDTM',
      side: 'buy',
      orderType: 'limit',
      type: 'open',
      status: 'open',
      ts: 1,
    },
  });

  it('feeds messages$ only while it is observed, each frame a copy of its own, under the push key', () => {
    const frames = new Subject<string>();
    const socket = { frames$: frames.asObservable() } as unknown as Socket;
    const messages = new Subject<InboundMessage>();
    const next = jest.spyOn(messages, 'next');
    const updates: OrderUpdate[] = [];
    const exceptions: unknown[] = [];
    orderEvents(
      socket,
      'futures',
      (u) => updates.push(u),
      (e) => exceptions.push(e),
      messages,
    ).subscribe();

    frames.next(event);
    expect(updates).toHaveLength(1);
    expect(next).not.toHaveBeenCalled();

    const seen: InboundMessage[] = [];
    const tap = messages.subscribe((m) => seen.push(m));
    frames.next(event);
    frames.next('[1]'); // JSON, not an object: in messages$, and an exception
    frames.next('not json'); // not JSON: an exception only
    tap.unsubscribe();
    frames.next(event);

    expect(updates).toHaveLength(3);
    expect(seen.map((m) => m.wsKey)).toEqual(['pushFutures', 'pushFutures']);
    expect(seen[0].frame).toEqual(JSON.parse(event));
    expect((seen[0].frame as { data: unknown }).data).not.toBe(updates[1]);
    expect(seen[1].frame).toEqual([1]);
    expect(next).toHaveBeenCalledTimes(2);
    expect(exceptions).toHaveLength(2);
  });
});
