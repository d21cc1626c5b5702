/**
 * A plain REST and push client for tests, written from the protocol text only (signed KC-API
 * headers over fetch; the push channel over ws), independent of the library and the simulator.
 */
import WebSocket from 'ws';
import { hmac, openSocket, type Credentials } from './raw-client';

/** Two accounts the REST and push specs share: what one does, the other must not see. */
export const alice = {
  apiKey: 'alice-key',
  apiSecret: 'alice-secret',
  apiPassphrase: 'alice-pass',
  balances: { USDT: '1000000', BTC: '100' },
};
export const bob = {
  apiKey: 'bob-key',
  apiSecret: 'bob-secret',
  apiPassphrase: 'bob-pass',
  balances: { USDT: '1000000', BTC: '100' },
};

export interface RestAnswer {
  status: number;
  headers: Headers;
  /** The parsed body, or undefined when it is not JSON. */
  json: any;
  text: string;
}

export interface SignOverrides {
  timestamp?: number;
  key?: string;
  sign?: string;
  passphrase?: string;
  version?: string;
  omit?: string[];
  extra?: Record<string, string>;
}

/** The five KC-API headers for `method` `target` (path with query) and `body`. */
export function kcHeaders(
  creds: Credentials,
  method: string,
  target: string,
  body = '',
  o: SignOverrides = {},
): Record<string, string> {
  const ts = String(o.timestamp ?? Date.now());
  const headers: Record<string, string> = {
    'KC-API-KEY': o.key ?? creds.apiKey,
    'KC-API-TIMESTAMP': ts,
    'KC-API-SIGN': o.sign ?? hmac(creds.apiSecret, ts + method + target + body),
    'KC-API-PASSPHRASE': o.passphrase ?? hmac(creds.apiSecret, creds.apiPassphrase),
    'KC-API-KEY-VERSION': o.version ?? '2',
    ...o.extra,
  };
  for (const name of o.omit ?? []) delete headers[name];
  return headers;
}

async function answer(res: Response): Promise<RestAnswer> {
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** A signed request (GET without body, POST with `body`). */
export async function signed(
  base: string,
  creds: Credentials,
  method: 'GET' | 'POST' | 'DELETE' | 'PUT',
  target: string,
  body = '',
  o: SignOverrides = {},
): Promise<RestAnswer> {
  const res = await fetch(base + target, {
    method,
    headers: { 'content-type': 'application/json', ...kcHeaders(creds, method, target, body, o) },
    body: method === 'GET' ? undefined : body,
  });
  return answer(res);
}

export async function unsigned(base: string, method: string, target: string): Promise<RestAnswer> {
  return answer(await fetch(base + target, { method }));
}

export const spotLookup = (clientOid: string, symbol: string): string =>
  `/api/v1/hf/orders/client-order/${encodeURIComponent(clientOid)}?symbol=${symbol}`;
export const marginLookup = (clientOid: string, symbol: string): string =>
  `/api/v3/hf/margin/orders/client-order/${encodeURIComponent(clientOid)}?symbol=${symbol}`;
export const futuresLookup = (clientOid: string): string =>
  `/api/v1/orders/byClientOid?clientOid=${encodeURIComponent(clientOid)}`;

/** A push socket: collects every frame; waits by predicate. */
export class PushClient {
  readonly frames: any[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly listeners = new Set<() => void>();
  private seen = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = { unparsed: text };
      }
      this.frames.push(json);
      for (const l of [...this.listeners]) l();
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const l of [...this.listeners]) l();
      });
    });
  }

  /** Connects to `url` (endpoint with token and optional connectId) and resolves once open. */
  static open(url: string): Promise<PushClient> {
    return openSocket(url, (ws) => new PushClient(ws));
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (from the start) satisfying `predicate`; rejects on close or timeout. */
  waitFor(predicate: (f: any) => boolean, timeoutMs = 3_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const f = this.frames.find((x) => {
          try {
            return predicate(x);
          } catch {
            return false;
          }
        });
        if (f !== undefined) {
          done();
          resolve(f);
          return true;
        }
        if (this.ws.readyState === WebSocket.CLOSED) {
          done();
          reject(new Error(`closed before a matching frame; got ${JSON.stringify(this.frames.slice(-5))}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`),
        );
      }, timeoutMs);
      const listener = (): void => void check();
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
      check();
    });
  }

  /** Subscribes and waits for the ack. */
  async subscribe(topic: string, id = `sub-${++this.seen}`): Promise<void> {
    this.send({ id, type: 'subscribe', topic, privateChannel: true, response: true });
    await this.waitFor((f) => f.id === id && f.type === 'ack');
  }

  /** orderChange data of one clientOid, in arrival order. */
  eventsOf(clientOid: string): any[] {
    return this.frames
      .filter((f) => f.type === 'message' && f.data?.clientOid === clientOid)
      .map((f) => f.data);
  }

  /** Waits until an event of `clientOid` with event type `type` arrived. */
  waitEvent(clientOid: string, type: string, timeoutMs?: number): Promise<any> {
    return this.waitFor(
      (f) => f.type === 'message' && f.data?.clientOid === clientOid && f.data.type === type,
      timeoutMs,
    ).then((f) => f.data);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** bullet-private, then a push socket with its welcome; `connectId` undefined leaves it out. */
export async function openPush(
  restUrl: string,
  creds: Credentials,
  connectId: string | undefined = 'c-1',
): Promise<{ push: PushClient; token: string; server: any }> {
  const bullet = await signed(restUrl, creds, 'POST', '/api/v1/bullet-private', '');
  if (bullet.json?.code !== '200000') throw new Error(`bullet-private refused: ${bullet.text}`);
  const { token, instanceServers } = bullet.json.data;
  const server = instanceServers[0];
  const q = new URLSearchParams({ token });
  if (connectId !== undefined) q.set('connectId', connectId);
  const push = await PushClient.open(`${server.endpoint}?${q}`);
  await push.waitFor((f) => f.type === 'welcome');
  return { push, token, server };
}
