/**
 * A raw protocol client for tests: signs the URL, does the session handshake by hand and
 * waits for frames by predicate. Deliberately independent of the library client, so that
 * the simulator is tested against the protocol text, and reusable by other suites.
 */
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';

export interface Credentials {
  apiKey: string;
  apiSecret: string;
  apiPassphrase: string;
}

export const hmac = (key: string, message: string): string =>
  createHmac('sha256', key).update(message).digest('base64');

export interface UrlOverrides {
  timestamp?: number;
  apikey?: string;
  sign?: string;
  passphrase?: string;
  partner?: string;
  partnerKey?: string;
  partnerSign?: string;
  path?: string;
}

/** `${base}/v1/private?apikey=…&sign=…&passphrase=…&timestamp=…` per docs/protocol.md §1. */
export function signedUrl(base: string, creds: Credentials, o: UrlOverrides = {}): string {
  const ts = String(o.timestamp ?? Date.now());
  const apikey = o.apikey ?? creds.apiKey;
  const q = new URLSearchParams({
    apikey,
    sign: o.sign ?? hmac(creds.apiSecret, apikey + ts),
    passphrase: o.passphrase ?? hmac(creds.apiSecret, creds.apiPassphrase),
    timestamp: ts,
  });
  if (o.partner !== undefined) {
    q.set('partner', o.partner);
    q.set('partner_sign', o.partnerSign ?? hmac(o.partnerKey ?? '', ts + o.partner + apikey));
  }
  return `${base}${o.path ?? '/v1/private'}?${q.toString()}`;
}

/**
 * Opens a socket and wraps it at once (so no frame is missed); resolves with the wrapper once
 * open, rejects on an HTTP refusal (the socket is cut) or a socket error.
 */
export function openSocket<C>(url: string, wrap: (ws: WebSocket) => C): Promise<C> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const client = wrap(ws);
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

export interface Frame {
  text: string;
  /** The parsed frame, or undefined when the text is not JSON. */
  json: any;
}

export class RawClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly consumed = new Set<number>();
  private readonly listeners = new Set<() => void>();
  private nextId = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      this.frames.push({ text, json });
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

  /** Opens a socket; resolves once open, rejects on an HTTP refusal or socket error. */
  static open(url: string): Promise<RawClient> {
    return openSocket(url, (ws) => new RawClient(ws));
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends text as is, or an object as JSON. */
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends `{id, op, args}` with a fresh id; returns the id. */
  request(op: string, args: unknown, id = `req-${++this.nextId}`): string {
    this.send({ id, op, args });
    return id;
  }

  /**
   * The first frame not yet returned by an earlier wait that satisfies `predicate`,
   * including frames that arrived before the call. Rejects after `timeoutMs` or on close.
   */
  waitFor(predicate: (json: any, text: string) => boolean, timeoutMs = 2_000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      let closedSeen = false;
      const check = (): boolean => {
        for (let i = 0; i < this.frames.length; i++) {
          if (this.consumed.has(i)) continue;
          const f = this.frames[i];
          let ok = false;
          try {
            ok = predicate(f.json, f.text);
          } catch {
            ok = false;
          }
          if (ok) {
            this.consumed.add(i);
            done();
            resolve(f);
            return true;
          }
        }
        if (this.ws.readyState === WebSocket.CLOSED && !closedSeen) {
          closedSeen = true;
          done();
          reject(new Error(`socket closed before a matching frame; got ${this.describe()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching frame within ${timeoutMs} ms; got ${this.describe()}`));
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

  /** The answer to request `id`. */
  answerTo(id: string, timeoutMs?: number): Promise<any> {
    return this.waitFor((j) => j?.id === id, timeoutMs).then((f) => f.json);
  }

  /** Resolves with the close code and reason, or rejects after `timeoutMs`. */
  waitClosed(timeoutMs = 2_000): Promise<{ code: number; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.closed,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  close(): void {
    this.ws.terminate();
  }

  private describe(): string {
    return JSON.stringify(this.frames.slice(-5).map((f) => f.text.slice(0, 200)));
  }
}

export interface Connected {
  client: RawClient;
  challengeText: string;
  welcome: any;
}

/** Opens a signed connection and completes the session handshake. */
export async function connect(base: string, creds: Credentials, o: UrlOverrides = {}): Promise<Connected> {
  const client = await RawClient.open(signedUrl(base, creds, o));
  try {
    const challenge = await client.waitFor((j) => typeof j?.sessionId === 'string' && j.data === undefined);
    client.send(hmac(creds.apiSecret, challenge.text));
    const welcome = await client.waitFor((j) => j?.data === 'welcome');
    return { client, challengeText: challenge.text, welcome: welcome.json };
  } catch (e) {
    client.close();
    throw e;
  }
}

/** A valid resting spot order's args. */
export const spotOrder = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'limit',
  symbol: 'BTC-USDT',
  side: 'buy',
  price: '10000',
  size: '0.001',
  clientOid: `oid-${Math.random().toString(36).slice(2, 12)}`,
  ...over,
});
