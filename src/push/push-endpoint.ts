import { ProtocolError } from '../errors';
import type { BulletPrivate } from '../rest/codecs';
import { DEFAULT_PING_INTERVAL_MS, DEFAULT_PING_TIMEOUT_MS, safeTimerMs } from '../transport/heartbeat';
import { redactUrl } from '../transport/url';

/** Where and how one push session connects: from a `bullet-private` answer. */
export interface PushEndpoint {
  /** `{endpoint}?token=…&connectId=…`: carries the token, so it is never logged or put in an error. */
  readonly url: string;
  readonly connectId: string;
  /** Ping every this many ms (the server's pingInterval, made safe). */
  readonly pingIntervalMs: number;
  /** A link silent this long after a ping is dead (the server's pingTimeout, made safe). */
  readonly pingTimeoutMs: number;
}

/**
 * The connect URL and heartbeat timing of a `bullet-private` answer: its first `websocket`
 * server. The endpoint must be a ws: or wss: URL (a token must not go anywhere else).
 */
export function pushEndpoint(bullet: BulletPrivate, connectId: string): PushEndpoint {
  const server = bullet.instanceServers.find((s) => s.protocol === 'websocket') ?? bullet.instanceServers[0];
  let url: URL;
  try {
    url = new URL(server.endpoint);
  } catch {
    throw new ProtocolError('bullet-private answered an endpoint that is not a URL', { op: 'bulletPrivate' });
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new ProtocolError('bullet-private answered an endpoint that is not ws: or wss:', {
      op: 'bulletPrivate',
    });
  url.searchParams.set('token', bullet.token);
  url.searchParams.set('connectId', connectId);
  return {
    url: url.toString(),
    connectId,
    pingIntervalMs: safeTimerMs(server.pingInterval, DEFAULT_PING_INTERVAL_MS, 100),
    pingTimeoutMs: safeTimerMs(server.pingTimeout, DEFAULT_PING_TIMEOUT_MS),
  };
}

const TOKEN_PARAM = /([?&]token=)[^&\s'"]*/gi;

/** Removes push tokens and signed values from a text that may quote a URL. */
export function redactPushUrl(text: string): string {
  return redactUrl(text).replace(TOKEN_PARAM, '$1[redacted]');
}
