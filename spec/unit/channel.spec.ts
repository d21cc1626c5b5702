import { Subject } from 'rxjs';
import {
  ClientClosedError,
  DisconnectedError,
  GatewayError,
  ProtocolError,
  RateLimitError,
  TimeoutError,
} from '../../src/errors';
import { OPERATIONS } from '../../src/operations';
import { WsApiCall } from '../../src/rpc/call';
import { RpcChannel, type ChannelOutlets, type Link } from '../../src/rpc/channel';
import { requestFrame } from '../../src/rpc/prepare';

class FakeLink implements Link {
  writable = true;
  starts = 0;
  readonly written: string[] = [];
  write(frame: string): boolean {
    if (!this.writable) return false;
    this.written.push(frame);
    return true;
  }
}

const spec = OPERATIONS.submitNewSpotOrder;
let nextId = 0;
/** Every channel a test made: failed after it, so that no deadline timer outlives the test. */
const channels: RpcChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) channel.failAll(() => new Error('test over'));
});

function setup(timeoutMs = 1_000) {
  const exceptions: Array<{ error: Error; raw?: string }> = [];
  const outlets: ChannelOutlets = {
    latency: new Subject(),
    rateLimit: new Subject(),
    response: () => undefined,
    wantsResponses: () => false,
    exception: (_wsKey, error, raw) => exceptions.push({ error, raw }),
  };
  const link = new FakeLink();
  const channel = new RpcChannel('wsApiSpotV1', timeoutMs, outlets, undefined, () => link.starts++);
  channels.push(channel);
  const submit = (clientOid = `c${nextId + 1}`) => {
    const id = String(++nextId);
    const call = new WsApiCall(id, spec, 'wsApiSpotV1', clientOid, undefined, performance.now());
    channel.submit(call, requestFrame(id, spec.op, { clientOid }));
    return call;
  };
  const answer = (id: string, extra: Record<string, unknown> = {}) => {
    const frame = {
      id,
      op: 'spot.order',
      code: '200000',
      data: { orderId: `o${id}`, clientOid: `c${id}` },
      inTime: 1,
      outTime: 2,
      ...extra,
    };
    channel.frame(frame, id, JSON.stringify(frame));
  };
  return { channel, link, submit, answer, exceptions };
}

const outcome = (call: WsApiCall<unknown>) =>
  call.then(
    (r) => r,
    (e: unknown) => e,
  );

beforeEach(() => (nextId = 0));

describe('RpcChannel', () => {
  it('queues while not ready (starting the connection) and writes in order once ready', () => {
    const { channel, link, submit } = setup();
    const a = submit();
    const b = submit();
    expect(link.starts).toBe(2);
    expect(link.written).toEqual([]);
    expect([a.sent, b.sent]).toEqual([false, false]);
    channel.ready(link);
    expect(link.written.map((f) => JSON.parse(f).id)).toEqual(['1', '2']);
    expect([a.sent, b.sent]).toEqual([true, true]);
    submit();
    expect(link.written).toHaveLength(3);
    channel.failAll(() => new Error('end'));
  });

  it('routes answers by id, whatever the order', async () => {
    const { channel, link, submit, answer } = setup();
    channel.ready(link);
    const calls = [submit(), submit(), submit()];
    answer('3');
    answer('1');
    answer('2');
    const rs = await Promise.all(calls);
    expect(
      rs.map((r) => [r.id, (r.data as { orderId: string }).orderId, r.wsKey, r.isWSAPIResponse]),
    ).toEqual([
      ['1', 'o1', 'wsApiSpotV1', true],
      ['2', 'o2', 'wsApiSpotV1', true],
      ['3', 'o3', 'wsApiSpotV1', true],
    ]);
    expect(channel.pending.size).toBe(0);
  });

  it('a socket that is closing does not take the frame: the call stays queued, unsent, for the next session', () => {
    const { channel, link, submit } = setup();
    channel.ready(link);
    link.writable = false;
    const a = submit();
    const b = submit();
    expect(link.written).toEqual([]);
    channel.lost(new Error('closed'));
    expect([a.status, b.status]).toEqual(['pending', 'pending']);
    link.writable = true;
    channel.ready(link);
    expect(link.written.map((f) => JSON.parse(f).id)).toEqual(['1', '2']);
    channel.failAll(() => new Error('end'));
  });

  it('lost(): written calls fail as disconnected with their clientOid; queued ones survive', async () => {
    const { channel, link, submit } = setup();
    channel.ready(link);
    const written = submit('w1');
    channel.lost(new Error('socket closed'));
    const queued = submit('q1');
    channel.lost(new Error('socket closed'));
    const e = await outcome(written);
    expect(e).toBeInstanceOf(DisconnectedError);
    expect(e).toMatchObject({ clientOid: 'w1', requestId: '1' });
    expect((e as Error).cause).toEqual(new Error('socket closed'));
    expect(queued.status).toBe('pending');
    channel.ready(link);
    expect(link.written.map((f) => JSON.parse(f).id)).toEqual(['1', '2']); // '1' was never re-sent
    channel.failAll(() => new Error('end'));
  });

  it('times out with one timer, sent or not, and never writes a call that timed out in the queue', async () => {
    jest.useFakeTimers();
    try {
      const { channel, link, submit } = setup(100);
      channel.ready(link);
      const written = submit();
      link.writable = false;
      const queued = submit();
      expect(jest.getTimerCount()).toBe(1);
      // The deadline (100 ms), then its verdict once the waiting input is read: a quiet turn
      // and 2 ms (afterPendingInput).
      jest.advanceTimersByTime(110);
      const [a, b] = await Promise.all([outcome(written), outcome(queued)]);
      expect(a).toBeInstanceOf(TimeoutError);
      expect(a).toMatchObject({ sent: true, timeoutMs: 100 });
      expect(b).toMatchObject({ sent: false });
      channel.ready(link);
      expect(link.written).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('after failAll (close), answers to written calls, timed out ones included, are late answers telling the outcome', async () => {
    jest.useFakeTimers();
    try {
      const { channel, link, submit, answer, exceptions } = setup(100);
      channel.ready(link);
      const overdue = submit();
      jest.advanceTimersByTime(110);
      expect(await outcome(overdue)).toMatchObject({ name: 'TimeoutError', sent: true });
      const pending = submit();
      channel.failAll(() => new ClientClosedError({ sent: true }));
      expect(await outcome(pending)).toBeInstanceOf(ClientClosedError);
      // The rest of the read close() ran in: both answers come after it.
      answer(overdue.id);
      answer(pending.id);
      expect(exceptions.map((e) => e.error.constructor.name)).toEqual(['LateAnswerError', 'LateAnswerError']);
      expect(exceptions.map((e) => e.error.message)).toEqual([
        expect.stringContaining('(TimeoutError), and tells its outcome'),
        expect.stringContaining('(ClientClosedError), and tells its outcome'),
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('unknown ids and duplicates are exceptions that fail nothing', async () => {
    const { channel, link, submit, answer, exceptions } = setup();
    channel.ready(link);
    const a = submit();
    const b = submit();
    answer('1');
    answer('1'); // duplicate
    answer('99');
    expect(exceptions.map((x) => x.error.message)).toEqual([
      'malformed frame: answer to an unknown or expired request id 1',
      'malformed frame: answer to an unknown or expired request id 99',
    ]);
    await expect(a).resolves.toMatchObject({ id: '1' });
    expect(b.status).toBe('pending');
    channel.failAll(() => new Error('end'));
  });

  it('an answer to a call not written yet is an exception: the call stays pending and is written in its turn', async () => {
    const { channel, link, submit, answer, exceptions } = setup();
    const a = submit();
    answer('1');
    expect(exceptions.map((x) => x.error.message)).toEqual([
      'malformed frame: answer to request id 1, which was not sent yet',
    ]);
    expect(a.status).toBe('pending');
    channel.ready(link);
    expect(link.written).toHaveLength(1);
    answer('1');
    await expect(a).resolves.toMatchObject({ id: '1', data: { orderId: 'o1' } });
  });

  it('a wrong envelope or wrong data fails that call with ProtocolError and reports it', async () => {
    const { channel, link, submit, answer, exceptions } = setup();
    channel.ready(link);
    const a = submit();
    const b = submit();
    answer('1', { code: 200000 });
    answer('2', { data: { orderId: 7 } });
    const [ea, eb] = await Promise.all([outcome(a), outcome(b)]);
    expect(ea).toBeInstanceOf(ProtocolError);
    expect((ea as Error).message).toMatch(/response envelope: code: /);
    expect(eb).toBeInstanceOf(ProtocolError);
    expect((eb as Error).message).toMatch(/spot\.order data: orderId: .*clientOid: /);
    expect(exceptions.map((x) => x.error)).toEqual([ea, eb]);
    expect(channel.pending.size).toBe(0);
  });

  it('error codes: 429000 → RateLimitError with reset; others → GatewayError with the envelope', async () => {
    const { channel, link, submit, answer } = setup();
    channel.ready(link);
    const a = submit();
    const b = submit();
    answer('1', {
      code: '429000',
      msg: 'Too many requests',
      data: undefined,
      rateLimit: { limit: 5, reset: 700, remaining: 0 },
    });
    answer('2', { code: '400100', msg: 'bad price', data: undefined });
    const ea = (await outcome(a)) as RateLimitError;
    expect(ea).toBeInstanceOf(RateLimitError);
    expect([ea.reset, ea.code, ea.requestId]).toEqual([700, '429000', '1']);
    expect(ea.resetAt - Date.now()).toBeLessThanOrEqual(700);
    const eb = (await outcome(b)) as GatewayError;
    expect(eb).toBeInstanceOf(GatewayError);
    expect(eb).toMatchObject({ code: '400100', msg: 'bad price', response: { id: '2', msg: 'bad price' } });
  });

  it('queued calls that time out while the link stays down are let go at once, not at the next flush', async () => {
    const { channel, link, submit } = setup(5);
    const calls = Array.from({ length: 3_000 }, () => submit());
    const errors = await Promise.all(calls.map(outcome));
    expect(errors.every((e) => e instanceof TimeoutError && !e.sent)).toBe(true);
    // A long outage must not keep every timed-out call (and its error) in memory.
    const { queue } = channel as unknown as { queue: unknown[] };
    expect(queue.filter((c) => c !== undefined)).toHaveLength(0);
    // Later calls still queue and go out in order once the link is ready.
    const later = [submit(), submit()];
    channel.ready(link);
    expect(link.written.map((f) => JSON.parse(f).id)).toEqual(later.map((c) => c.id));
  });

  it('failAll() rejects everything and stops the timer', async () => {
    jest.useFakeTimers();
    try {
      const { channel, link, submit } = setup();
      channel.ready(link);
      const a = submit();
      link.writable = false;
      const b = submit();
      const end = new Error('closed');
      channel.failAll(() => end);
      expect(await outcome(a)).toBe(end);
      expect(await outcome(b)).toBe(end);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
