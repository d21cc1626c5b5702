/**
 * Malformed frames while calls are in flight: non-JSON, JSON of the wrong shape, answers to
 * unknown ids, duplicate answers, oversized frames, and answers whose data (or envelope) has
 * the wrong shape for their operation. The client must emit `exception` events, fail only
 * the calls the bad frame belongs to (if any), and keep serving the rest on the same session.
 */
import fc from 'fast-check';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { WebSocketServer } from 'ws';
import {
  OPERATIONS,
  ProtocolError,
  type ClientEvent,
  type MethodName,
  type WebsocketAPIClient,
  type WsApiCall,
} from '../../src';
import type { MalformedKind } from '../../src/simulator';
import { futuresBuy, limitBuy, useHarness } from '../client/harness';
import { recordStates, settle, statuses } from '../support/reliability';
import { valid } from '../support/request-arbitraries';

const h = useHarness();

type ExceptionEvent = Extract<ClientEvent, { type: 'exception' }>;

/** Exceptions seen through both surfaces: getWSClient().on('exception') and events$. */
function watchExceptions(client: WebsocketAPIClient): { on: ExceptionEvent[]; stream: ExceptionEvent[] } {
  const seen = { on: [] as ExceptionEvent[], stream: [] as ExceptionEvent[] };
  client.getWSClient().on('exception', (e) => seen.on.push(e));
  client.events$.pipe(filter((e): e is ExceptionEvent => e.type === 'exception')).subscribe((e) => {
    seen.stream.push(e);
  });
  return seen;
}

const orders = (client: WebsocketAPIClient, tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => client.submitNewSpotOrder(limitBuy({ clientOid: `${tag}-${i}` })));

/** What each kind's exception says. */
const EXPECTED: Record<Exclude<MalformedKind, 'bad-data'>, RegExp> = {
  'not-json': /frame is not JSON/,
  'wrong-shape': /frame without a string id/,
  'unknown-id': /answer to an unknown or expired request id sim-unknown-/,
  duplicate: /answer to an unknown or expired request id/,
  oversized: /answer to an unknown or expired request id sim-oversized-/,
};

describe('malformed frames', () => {
  it.each(Object.keys(EXPECTED) as Array<Exclude<MalformedKind, 'bad-data'>>)(
    "'%s' with calls in flight: an exception event, no call fails, the session keeps serving",
    async (kind) => {
      const logged: string[] = [];
      const logger = { info: () => undefined, error: (...a: unknown[]) => logged.push(a.join(' ')) };
      const { sim, client } = await h.start({}, { attachEventListeners: true, logger });
      const seen = watchExceptions(client);
      await client.submitNewSpotOrder(limitBuy()); // so that 'duplicate' has an answer to repeat
      const recorded = recordStates(client.stateOf$('wsApiSpotV1'));

      const inFlight = orders(client, `${kind}-a`, 50);
      // How many of them still waited at the very moment the bad frame was handled.
      let pendingThen = -1;
      client.getWSClient().once('exception', () => {
        pendingThen = inFlight.filter((c) => c.status === 'pending').length;
      });
      const exception = firstValueFrom(client.exceptions$);
      // Sent now, it reaches the client before any answer to the fifty above.
      sim.faults.sendMalformed(kind);
      const e = await exception;
      expect(pendingThen).toBe(50);
      const later = orders(client, `${kind}-b`, 50);
      const calls = [...inFlight, ...later];
      const all = await Promise.all(calls.map(settle));
      all.forEach((r, i) =>
        expect(r).toMatchObject({ code: '200000', data: { clientOid: calls[i].clientOid } }),
      );

      expect(e.wsKey).toBe('wsApiSpotV1');
      expect(e.error).toBeInstanceOf(ProtocolError);
      expect(e.error.message).toMatch(EXPECTED[kind]);
      expect((e.error as ProtocolError).requestId).toBeUndefined(); // no call of ours was blamed
      expect(e.frame).toBeDefined();
      expect(e.frame!.length).toBeLessThanOrEqual(257); // an excerpt (256 + "…"), never megabytes
      expect(seen.on).toHaveLength(1);
      expect(seen.stream).toHaveLength(1);
      expect(seen.on[0]).toBe(seen.stream[0]);
      expect(logged.join('\n')).toMatch(/exception: malformed frame/);
      // Same session throughout: no reconnect, nothing re-sent.
      recorded.stop();
      expect(statuses(recorded.states)).toEqual(['ready']);
      expect(sim.countFrames((f) => f.op === 'spot.order')).toBe(101);
    },
  );

  it("'bad-data' on every operation: only the call whose answer has the wrong data fails, with a ProtocolError", async () => {
    // One valid request per method from the operation table's arbitraries (fixed seed).
    const params = (method: MethodName): unknown => fc.sample(valid[method], { seed: 11, numRuns: 1 })[0];
    for (const method of Object.keys(OPERATIONS) as MethodName[]) {
      const { op, wsKey } = OPERATIONS[method];
      // Ack mode: every valid request of every operation succeeds, so its answer can be
      // corrupted. One session per simulator, so that the fault arms this one only.
      const sim = await h.sim({ mode: 'ack' });
      const client = h.client(sim);
      await client.connect(wsKey);
      const seen = watchExceptions(client);
      sim.faults.sendMalformed('bad-data');
      const victim = client.request(method, params(method) as never) as WsApiCall<unknown>;
      // Behind it on the same session: answered after the corrupted one, untouched.
      const bystanders = Array.from({ length: 5 }, () =>
        wsKey === 'wsApiSpotV1'
          ? client.submitNewSpotOrder(limitBuy())
          : client.submitFuturesOrder(futuresBuy()),
      );
      const error = await settle(victim);
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({
        op,
        requestId: victim.id,
        clientOid: victim.clientOid,
        message: expect.stringContaining(`${op} data:`),
        response: { code: '200000', data: 'sim-bad-data', id: victim.id },
      });
      for (const r of await Promise.all(bystanders)) expect(r.code).toBe('200000');
      expect(seen.on.map((e) => e.error)).toEqual([error]);
      expect(seen.stream.map((e) => e.error)).toEqual([error]);
      expect(client.stateOf(wsKey).status).toBe('ready');
    }
  });

  it('an answer whose envelope has the wrong shape fails only its own call (a gateway of our own)', async () => {
    // A minimal gateway that completes the handshake and answers request "2" with a numeric
    // code and request "3" with a non-object: shapes the simulator never produces.
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    server.on('connection', (socket) => {
      socket.send(`{"sessionId":"s-1","timestamp":${Date.now()}}`);
      let greeted = false;
      socket.on('message', (data) => {
        if (!greeted) {
          greeted = true;
          socket.send('{"sessionId":"s-1","data":"welcome","pingInterval":18000,"pingTimeout":10000}');
          return;
        }
        const { id, op, args } = JSON.parse(String(data)) as {
          id: string;
          op: string;
          args: { clientOid: string };
        };
        const good = `{"id":"${id}","op":"${op}","code":"200000","data":{"orderId":"o-${id}","clientOid":"${args.clientOid}"},"inTime":1,"outTime":2}`;
        if (id === '2') socket.send(`{"id":"2","op":"${op}","code":200000,"inTime":"soon"}`);
        else if (id === '3') socket.send(`{"id":"3","op":"${op}","code":"200000","rateLimit":7}`);
        else socket.send(good);
      });
    });
    try {
      const { port } = server.address() as AddressInfo;
      const sim = await h.sim(); // only for its credentials shape; the client talks to `server`
      const client = h.client(sim, { wsBaseUrl: `ws://127.0.0.1:${port}` });
      const exceptions = firstValueFrom(client.exceptions$.pipe(take(2), toArray()));
      const calls = [1, 2, 3, 4].map(() => client.submitNewSpotOrder(limitBuy()));
      expect(calls.map((c) => c.id)).toEqual(['1', '2', '3', '4']);
      const [a, b, c, d] = await Promise.all(calls.map(settle));
      expect(a).toMatchObject({ code: '200000', data: { orderId: 'o-1' } });
      expect(d).toMatchObject({ code: '200000', data: { orderId: 'o-4' } });
      for (const [error, call] of [
        [b, calls[1]],
        [c, calls[2]],
      ] as const) {
        expect(error).toBeInstanceOf(ProtocolError);
        expect(error).toMatchObject({ requestId: call.id, clientOid: call.clientOid });
        expect((error as Error).message).toMatch(/the response envelope/);
      }
      expect((await exceptions).map((e) => e.error)).toEqual([b, c]);
      await expect(client.submitNewSpotOrder(limitBuy())).resolves.toMatchObject({ code: '200000' });
    } finally {
      for (const socket of server.clients) socket.terminate();
      await new Promise((r) => server.close(r));
    }
  });
});
