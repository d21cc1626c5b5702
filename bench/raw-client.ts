/**
 * The physical limit: a minimal hand-written WS API client on `ws` — signed URL, session
 * handshake, requests, and a Map from id to resolver. Nothing else: no validation, no
 * reconnect, no timeouts, no Observables. Benchmarks divide our client's figures by its.
 */
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';

export interface Credentials {
  apiKey: string;
  apiSecret: string;
  apiPassphrase: string;
}

type Resolver = (frame: { id: string; code: string; data?: unknown }) => void;

const hmac = (secret: string, text: string): string =>
  createHmac('sha256', secret).update(text).digest('base64');

export class RawClient {
  private readonly pending = new Map<string, Resolver>();
  private nextId = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { id: string; code: string };
      const resolve = this.pending.get(frame.id);
      if (resolve !== undefined) {
        this.pending.delete(frame.id);
        resolve(frame);
      }
    });
    // Not on the measured path: a lost socket fails what waits (the check throws on the
    // code) instead of leaving the benchmark waiting forever.
    ws.once('close', (code) => {
      for (const [id, resolve] of this.pending) resolve({ id, code: `socket closed (${code})` });
      this.pending.clear();
    });
  }

  static connect(baseUrl: string, c: Credentials): Promise<RawClient> {
    const ts = Date.now();
    const url =
      `${baseUrl}/v1/private?apikey=${encodeURIComponent(c.apiKey)}` +
      `&sign=${encodeURIComponent(hmac(c.apiSecret, c.apiKey + ts))}` +
      `&passphrase=${encodeURIComponent(hmac(c.apiSecret, c.apiPassphrase))}&timestamp=${ts}`;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      const onMessage = (data: WebSocket.RawData): void => {
        const text = data.toString();
        const frame = JSON.parse(text) as { sessionId?: string; data?: string; code?: string };
        if (frame.code !== undefined) {
          reject(new Error(`handshake refused: ${frame.code}`));
        } else if (frame.data === 'welcome') {
          ws.off('message', onMessage);
          resolve(new RawClient(ws));
        } else {
          ws.send(hmac(c.apiSecret, text));
        }
      };
      ws.on('message', onMessage);
    });
  }

  request(op: string, args: unknown): Promise<{ id: string; code: string; data?: unknown }> {
    const id = String(++this.nextId);
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, op, args }));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
