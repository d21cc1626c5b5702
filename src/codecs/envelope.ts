import * as t from 'io-ts';

/** The account's quota as the gateway reports it on every answer. */
export const RateLimit = t.type({ limit: t.number, reset: t.number, remaining: t.number }, 'RateLimit');
export type RateLimit = t.TypeOf<typeof RateLimit>;

/** Gateway → client, first frame after the socket opens: the text the client must sign. */
export const SessionChallenge = t.type({ sessionId: t.string, timestamp: t.number }, 'SessionChallenge');
export type SessionChallenge = t.TypeOf<typeof SessionChallenge>;

/**
 * Gateway → client after a good session signature. The timing is read leniently (numbers or
 * numeric strings; missing or unusable values fall back to defaults, see
 * `transport/heartbeat.ts`): a welcome the client could not read would otherwise end in a
 * handshake timeout and reconnect forever.
 */
export const Welcome = t.intersection(
  [
    t.type({ sessionId: t.string, data: t.literal('welcome') }),
    t.partial({ pingInterval: t.unknown, pingTimeout: t.unknown }),
  ],
  'Welcome',
);
export type Welcome = t.TypeOf<typeof Welcome>;

/** Gateway → client answer to a ping. */
export const Pong = t.type({ id: t.string, op: t.literal('pong'), timestamp: t.number }, 'Pong');
export type Pong = t.TypeOf<typeof Pong>;

/** Every answer to a request (and connection errors, which carry no id). */
export const ResponseEnvelope = t.intersection(
  [
    t.type({ code: t.string }),
    t.partial({
      id: t.string,
      op: t.string,
      msg: t.string,
      data: t.unknown,
      inTime: t.number,
      outTime: t.number,
      rateLimit: RateLimit,
    }),
  ],
  'ResponseEnvelope',
);
export type ResponseEnvelope = t.TypeOf<typeof ResponseEnvelope>;

/** Client → gateway request frame. */
export interface RequestFrame<A = unknown> {
  id: string;
  op: string;
  args: A;
}

/** Client → gateway keep-alive. */
export interface PingFrame {
  id: string;
  op: 'ping';
  timestamp: number;
}
