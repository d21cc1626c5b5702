import { CODES } from '../codecs/codes';

export type MalformedKind =
  'not-json' | 'wrong-shape' | 'unknown-id' | 'duplicate' | 'oversized' | 'bad-data';

/** Fault injection on a running simulator, for tests of the client's failure handling. */
export interface SimulatorFaults {
  /**
   * Terminates open sockets now, without a close frame (like a network drop), and returns the
   * count. No argument: every socket, WS API and push. `apiKey` keeps to one account's sessions,
   * `kind` to the WS API ('wsapi') or to the push channel ('push').
   */
  dropSessions(filter?: { apiKey?: string; kind?: 'wsapi' | 'push' }): number;
  /**
   * Every push token issued so far expires: open push sessions get
   * `{ type: 'error', code: 401, data: 'token is expired' }` and a close; connects with an old
   * token are refused the same way. New tokens from `bullet-private` work.
   */
  expireTokens(): void;
  /** While on, every REST request is answered with HTTP 503 (the WS API and push are untouched). */
  restDown(on: boolean): void;
  /**
   * Stops answering anything — requests, pings, handshakes, new connections — while sockets
   * stay open. Frames received meanwhile are recorded (framesReceived/countFrames) and then
   * dropped: they are not answered after `resume()`.
   */
  pause(): void;
  /** Answers again. Connections opened during the pause get their handshake now. */
  resume(): void;
  /**
   * Delays every frame the gateway sends, WS API and push, by `ms` (0 = off), like a slow link.
   * `outTime` excludes it.
   */
  delay(ms: number): void;
  /**
   * Sends one malformed frame to every ready session now ('duplicate': its last answer again).
   * 'bad-data' sends nothing now: each ready session's next success answer to a request
   * carries `data` of the wrong shape for its operation (the string "sim-bad-data").
   */
  sendMalformed(kind: MalformedKind): void;
  /** While on, new WebSocket upgrades, WS API and push, are refused with HTTP 503. */
  refuseConnections(on: boolean): void;
  /** Turns every fault off (resumes, no delay, accepts connections, REST up). */
  reset(): void;
}

/** The switches the gateway consults on its paths. Plain fields: read on every frame. */
export class FaultState {
  paused = false;
  delayMs = 0;
  refusing = false;
  /** Every REST request is answered 503. */
  restDown = false;
}

/** The `data` of an answer corrupted by the 'bad-data' fault: no operation answers a string. */
export const BAD_DATA = 'sim-bad-data';

/** Size of the 'oversized' frame: larger than any sane client's frame limit. */
export const OVERSIZED_FRAME_BYTES = 2 * 1024 * 1024;

/**
 * The text of a malformed frame of `kind` (not 'duplicate', which re-sends a real answer, nor
 * 'bad-data', which corrupts one).
 * `n` makes unknown ids distinct; none of them can collide with a client's ids by accident
 * because they start with "sim-".
 */
export function malformedFrame(
  kind: Exclude<MalformedKind, 'duplicate' | 'bad-data'>,
  n: number,
  now: number,
): string {
  switch (kind) {
    case 'not-json':
      return '{"id":"sim-not-json","code":"200000",';
    case 'wrong-shape':
      // Valid JSON, but the code is a number and the id is not a string.
      return `{"id":${n},"op":42,"code":200000,"data":"?","inTime":"${now}"}`;
    case 'unknown-id':
      return `{"id":"sim-unknown-${n}","op":"spot.order","code":"${CODES.SUCCESS}","data":{"orderId":"000000000000000000000000","clientOid":"sim-unknown-${n}"},"inTime":${now},"outTime":${now},"rateLimit":{"limit":1600,"reset":30000,"remaining":1600}}`;
    case 'oversized': {
      const head = `{"id":"sim-oversized-${n}","op":"spot.order","code":"${CODES.SUCCESS}","data":"`;
      const tail = `","inTime":${now},"outTime":${now}}`;
      return head + 'x'.repeat(OVERSIZED_FRAME_BYTES - head.length - tail.length) + tail;
    }
  }
}
