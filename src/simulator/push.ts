import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { sessionLimitMessage } from './codes';
import type { ExchangeApi, PushMarket } from './exchange/types';
import type { FaultState } from './faults';
import { hexOf, SeededIds } from './ids';
import type { ResolvedOptions } from './options';
import { IdleSweeper } from './idle-sweeper';
import { PushSession, type PushSessionHost } from './push-session';
import type { PushTokens } from './push-tokens';
import { closeSockets } from './close-sockets';

/** The path of the push endpoint handed out by `bullet-private`. */
export const PUSH_PATH = '/push/v1';

const TOPIC_OF: Record<PushMarket, string> = {
  spot: '/spotMarket/tradeOrdersV2',
  futures: '/contractMarket/tradeOrders',
};

/** One push session as `sim.pushSessions()` reports it. */
export interface PushSessionInfo {
  /** The connectId the client chose (or the one the simulator made up). */
  readonly id: string;
  readonly apiKey: string;
  /** Topics subscribed now. */
  readonly topics: string[];
  /** Frames written to this socket so far (welcome, pongs, acks, events, errors). */
  readonly framesSent: number;
  /** Frames received from the client so far, those swallowed by `pause()` included. */
  readonly framesReceived: number;
}

export interface PushHost {
  readonly options: ResolvedOptions;
  readonly faults: FaultState;
  clock(): number;
  later(ms: number, fn: () => void): void;
}

/**
 * The private push channel: token check on connect, per-key session limit, idle close, and
 * the fan-out of each account's order events to its sessions subscribed to the event's topic.
 * The engine only builds events for accounts with at least one subscribed session.
 */
export class PushHub implements PushSessionHost {
  readonly sessions = new Set<PushSession>();
  private readonly byKey = new Map<string, Set<PushSession>>();
  private readonly framesByKey = new Map<string, { n: number }>();
  /** Accounts whose events flow, and the markets wanted. */
  private readonly listening = new Map<string, Record<PushMarket, boolean>>();
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly ids: SeededIds;
  private readonly sweeper: IdleSweeper<PushSession>;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly host: PushHost,
    private readonly exchange: ExchangeApi,
    private readonly tokens: PushTokens,
  ) {
    this.ids = new SeededIds(host.options.seed, 'push-connect');
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      maxPayload: host.options.maxFrameBytes,
    });
    this.sweeper = new IdleSweeper(
      () => this.sessions,
      host.options.pingInterval + host.options.pingTimeout,
      () => this.clock(),
    );
  }

  get faults(): FaultState {
    return this.host.faults;
  }

  clock(): number {
    return this.host.clock();
  }

  later(ms: number, fn: () => void): void {
    this.host.later(ms, fn);
  }

  /** An upgrade request for the push path (refusals by fault were handled by the gateway). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): void {
    if (this.closing !== undefined) return void socket.destroy();
    this.wss.handleUpgrade(req, socket, head, (ws) => this.admit(ws, socket, query));
  }

  private admit(ws: WebSocket, raw: Duplex, query: URLSearchParams): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => undefined);
    const connectId = query.get('connectId') ?? this.ids.nextHex().slice(0, 16);
    // A repeated token is refused, as REST refuses repeated parameters.
    const tokens = query.getAll('token');
    const apiKey = tokens.length === 1 ? this.tokens.accountOf(tokens[0], this.clock()) : undefined;
    const session = new PushSession(this, ws, raw, connectId, apiKey ?? '', this.counterOf(apiKey ?? ''));
    if (apiKey === undefined) return session.expire();
    let mine = this.byKey.get(apiKey);
    if (mine !== undefined && mine.size >= this.host.options.maxSessionsPerKey) {
      const msg = sessionLimitMessage(this.host.options.maxSessionsPerKey);
      return session.sendThenClose(
        `{"id":${JSON.stringify(connectId)},"type":"error","code":509,"data":"${msg}"}`,
        msg,
      );
    }
    if (mine === undefined) this.byKey.set(apiKey, (mine = new Set()));
    mine.add(session);
    this.sessions.add(session);
    session.start();
  }

  subscriptionsChanged(session: PushSession): void {
    this.refreshListener(session.apiKey);
  }

  private counterOf(apiKey: string): { n: number } {
    let counter = this.framesByKey.get(apiKey);
    if (counter === undefined) this.framesByKey.set(apiKey, (counter = { n: 0 }));
    return counter;
  }

  closed(session: PushSession): void {
    if (!this.sessions.delete(session)) return;
    const mine = this.byKey.get(session.apiKey);
    mine?.delete(session);
    if (mine?.size === 0) this.byKey.delete(session.apiKey);
    this.refreshListener(session.apiKey);
  }

  /**
   * Events flow to an account while at least one of its sessions subscribes to a topic, and
   * are only made for the topics subscribed.
   */
  private refreshListener(apiKey: string): void {
    let spot = false;
    let futures = false;
    for (const s of this.byKey.get(apiKey) ?? []) {
      if (s.markets.has('spot')) spot = true;
      if (s.markets.has('futures')) futures = true;
    }
    const listener = this.listening.get(apiKey);
    if (spot || futures) {
      if (listener !== undefined) {
        listener.spot = spot;
        listener.futures = futures;
        return;
      }
      const userId = hexOf(`sim-user:${apiKey}`).slice(0, 24);
      const heads: Record<PushMarket, Buffer> = {
        spot: Buffer.from(messageHead(TOPIC_OF.spot, userId)),
        futures: Buffer.from(messageHead(TOPIC_OF.futures, userId)),
      };
      const faults = this.host.faults;
      const wanted = { spot, futures };
      this.listening.set(apiKey, wanted);
      this.exchange.onOrderEvents?.(apiKey, {
        // Paused, every frame is dropped: events are not even made.
        wants: (market) => wanted[market] && !faults.paused,
        event: (market, data, start, end) => {
          const sessions = this.byKey.get(apiKey);
          if (sessions === undefined) return;
          for (const s of sessions) if (s.markets.has(market)) s.sendEvent(heads[market], data, start, end);
        },
      });
    } else if (listener !== undefined) {
      this.listening.delete(apiKey);
      this.exchange.onOrderEvents?.(apiKey, undefined);
    }
  }

  /** Push frames written to `apiKey`'s sockets so far. */
  framesSent(apiKey: string): number {
    return this.framesByKey.get(apiKey)?.n ?? 0;
  }

  info(): PushSessionInfo[] {
    return [...this.sessions].map((s) => ({
      id: s.id,
      apiKey: s.apiKey,
      topics: [...s.markets].map((m) => TOPIC_OF[m]),
      framesSent: s.framesSent,
      framesReceived: s.framesReceived,
    }));
  }

  /** Cuts the push sockets (of one key, or all); returns how many were open. */
  drop(apiKey?: string): number {
    let n = 0;
    for (const s of this.sessions) if ((apiKey === undefined || s.apiKey === apiKey) && s.drop()) n++;
    if (apiKey === undefined) {
      // Sockets being refused (bad token, limit) are cut too, as every socket is by a drop.
      for (const ws of this.sockets) {
        if (ws.readyState !== ws.OPEN) continue;
        ws.terminate();
        n++;
      }
    }
    return n;
  }

  /** The pause is over: sessions opened during it get their welcome. */
  resume(): void {
    for (const s of this.sessions) s.resume();
  }

  /** Every token stops working; open sessions get the 401 error and a close. */
  expireTokens(): void {
    this.tokens.expireAll();
    for (const s of [...this.sessions]) s.expire();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.sweeper.stop();
    for (const apiKey of this.listening.keys()) this.exchange.onOrderEvents?.(apiKey, undefined);
    this.listening.clear();
    await closeSockets(this.sockets);
    this.wss.close();
  }
}

/** `{"type":"message",…,"data":` — the data and the closing brace follow. */
function messageHead(topic: string, userId: string): string {
  return `{"type":"message","topic":"${topic}","subject":"orderChange","channelType":"private","userId":"${userId}","data":`;
}
