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

/** A gateway time stamp (ms): a finite number (JSON's 1e400 parses to Infinity). */
export const GatewayTime = new t.Type<number, number, unknown>(
  'GatewayTime',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) =>
    typeof u === 'number' && Number.isFinite(u)
      ? t.success(u)
      : t.failure(u, c, 'must be a finite number (ms)'),
  t.identity,
);

/**
 * The answer to a request, as the client accepts it; `WSAPIResponse` is derived from it.
 * `id` ties it to its request. `inTime` and `outTime` are required: every answer of the
 * gateway carries them, and one without them is malformed (its call fails with a
 * ProtocolError). `op` may be missing: the client then fills in its request's op. An `op`
 * that is not the request's fails the call too.
 */
export const Answer = t.intersection(
  [
    t.type({
      /** The request's correlation id, echoed by the gateway. */
      id: t.string,
      /** '200000' on success; a gateway error code otherwise. */
      code: t.string,
      /** Gateway receive time (ms). */
      inTime: GatewayTime,
      /** Gateway send time (ms); `outTime - inTime` is the gateway's own processing time. */
      outTime: GatewayTime,
    }),
    t.partial({
      /** The operation that ran, e.g. 'spot.order' (the request's, when the gateway leaves it out). */
      op: t.string,
      /** The gateway's message; present on failures. */
      msg: t.string,
      /** The operation's result. */
      data: t.unknown,
      /** The account's quota after this request, when the gateway reports it. */
      rateLimit: RateLimit,
    }),
  ],
  'Answer',
);
export type Answer = t.TypeOf<typeof Answer>;
