import { Subject } from 'rxjs';
import type { WebSocketLike } from 'rxjs-websockets';
import { socket$, SocketClosedError, type Socket } from '../../src/transport/socket';
import { VirtualClock } from '../support/virtual-clock';

/** A WebSocket as a browser has it: handlers, readyState, send, close; the test drives the peer. */
class FakeWebSocket implements WebSocketLike {
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: { message?: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  readyState = 0;
  readonly sent: string[] = [];
  closes = 0;
  terminated = false;
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closes++;
    this.readyState = 2;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(data: unknown): void {
    this.onmessage?.({ data });
  }
  closed(code: number, reason: string): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function setup(close$?: Subject<void>) {
  const clock = new VirtualClock();
  const made: FakeWebSocket[] = [];
  const urls: string[] = [];
  const sockets: Socket[] = [];
  let ended: unknown;
  const source = socket$({
    url: 'ws://gateway/v1/private?sign=secret',
    makeWebSocket: (url) => {
      urls.push(url);
      const ws = new FakeWebSocket();
      made.push(ws);
      return ws;
    },
    close$,
    closeGraceMs: 1_000,
    scheduler: clock,
  });
  return {
    clock,
    made,
    urls,
    sockets,
    source,
    ended: () => ended,
    subscribe: () =>
      source.subscribe({
        next: (s) => sockets.push(s),
        error: (e: unknown) => (ended = e),
        complete: () => (ended = 'complete'),
      }),
  };
}

describe('socket$', () => {
  it('is cold: nothing opens until subscribed, and each subscription opens its own socket', () => {
    const t = setup();
    expect(t.made).toHaveLength(0);
    t.subscribe();
    t.subscribe();
    expect(t.urls).toEqual(['ws://gateway/v1/private?sign=secret', 'ws://gateway/v1/private?sign=secret']);
  });

  it('emits the socket once open; frames, counts and writes go through it', () => {
    const t = setup();
    t.subscribe();
    expect(t.sockets).toHaveLength(0);
    t.made[0].open();
    const [socket] = t.sockets;
    const frames: string[] = [];
    socket.frames$.subscribe((f) => frames.push(f));
    t.made[0].receive('{"a":1}');
    t.made[0].receive('{"b":2}');
    expect(frames).toEqual(['{"a":1}', '{"b":2}']);
    expect(socket.received).toBe(2);
    expect(socket.write('x')).toBe(true);
    expect(t.made[0].sent).toEqual(['x']);
  });

  it("reads a `ws` socket's own message event, each frame's text as String() gives it", () => {
    /** A `ws` socket: frames come through `on('message')` as Buffers, not through onmessage. */
    class NodeStyleSocket extends FakeWebSocket {
      listener: ((data: unknown) => void) | undefined;
      on(event: string, listener: (data: unknown) => void): void {
        if (event === 'message') this.listener = listener;
      }
    }
    const ws = new NodeStyleSocket();
    const frames: string[] = [];
    socket$({ url: 'ws://gateway', makeWebSocket: () => ws, scheduler: new VirtualClock() }).subscribe((s) =>
      s.frames$.subscribe((f) => frames.push(f)),
    );
    ws.open();
    const inputs: unknown[] = [
      Buffer.from('{"a":"é"}'),
      '{"b":2}',
      new Uint8Array([123, 125]),
      [Buffer.from('{"c":'), Buffer.from('3}')],
      new ArrayBuffer(2),
    ];
    for (const data of inputs) ws.listener?.(data);
    expect(frames).toEqual(inputs.map((data) => String(data)));
    expect(frames.slice(0, 2)).toEqual(['{"a":"é"}', '{"b":2}']);
  });

  it('unsubscribing cuts the link at once (no closing handshake, no timer left)', () => {
    const t = setup();
    const subscription = t.subscribe();
    t.made[0].open();
    subscription.unsubscribe();
    expect(t.made[0].terminated).toBe(true);
    expect(t.made[0].closes).toBe(0);
    expect(t.clock.pending).toBe(0);
  });

  it('a close by the peer ends it with the close code and reason (a 1000 keeps its reason too)', () => {
    const t = setup();
    t.subscribe();
    t.made[0].open();
    const [socket] = t.sockets;
    let framesDone = false;
    socket.frames$.subscribe({ complete: () => (framesDone = true) });
    t.made[0].closed(1000, '400003 KC-API-KEY not exists.');
    const error = t.ended() as SocketClosedError;
    expect(error).toBeInstanceOf(SocketClosedError);
    expect([error.code, error.reason]).toEqual([1000, '400003 KC-API-KEY not exists.']);
    expect(framesDone).toBe(true);
    // Once closing, writes are refused rather than dropped silently.
    expect(socket.write('late')).toBe(false);
  });

  it('close(): a closing handshake, then it completes when the socket is gone; cut after the grace period', () => {
    const t = setup();
    t.subscribe();
    t.made[0].open();
    t.sockets[0].close();
    expect(t.made[0].closes).toBe(1);
    expect(t.ended()).toBeUndefined();
    t.clock.advance(999);
    expect(t.made[0].terminated).toBe(false);
    t.clock.advance(1);
    expect(t.made[0].terminated).toBe(true);
    t.made[0].closed(1006, '');
    expect(t.ended()).toBe('complete');
    expect(t.clock.pending).toBe(0);
  });

  it('close$ before the socket opens abandons it: completes, the connecting socket is cut', () => {
    const close$ = new Subject<void>();
    const t = setup(close$);
    t.subscribe();
    close$.next();
    expect(t.ended()).toBe('complete');
    expect(t.made[0].terminated).toBe(true);
  });

  it('close$ once open closes it gracefully', () => {
    const close$ = new Subject<void>();
    const t = setup(close$);
    t.subscribe();
    t.made[0].open();
    close$.next();
    expect(t.made[0].closes).toBe(1);
    t.made[0].closed(1000, '');
    expect(t.ended()).toBe('complete');
  });

  it('a factory that throws, or an error event, ends it with that error', () => {
    const failing = socket$({
      url: 'ws://x',
      makeWebSocket: () => {
        throw new TypeError('not a constructor');
      },
    });
    let error: unknown;
    failing.subscribe({ error: (e: unknown) => (error = e) });
    expect(error).toBeInstanceOf(TypeError);
    const t = setup();
    t.subscribe();
    t.made[0].onerror?.({ message: 'Unexpected server response: 503' });
    expect((t.ended() as Error).message).toBe('Unexpected server response: 503');
  });
});
