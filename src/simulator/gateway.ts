import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CODES } from '../codecs/codes';
import { safeDelay } from '../safe-delay';
import { closeSockets } from './close-sockets';
import { UrlVerifier, type AuthOutcome } from './auth';
import { MESSAGES, sessionLimitMessage } from './codes';
import type { ExchangeApi } from './exchange/types';
import { ExpiryTimer } from './expiry-timer';
import { FaultState, malformedFrame, type MalformedKind } from './faults';
import { FrameLog } from './frame-log';
import { IdleSweeper } from './idle-sweeper';
import { SeededIds } from './ids';
import type { ResolvedOptions } from './options';
import { PUSH_PATH, PushHub } from './push';
import { PushTokens } from './push-tokens';
import { RateLimiter } from './rate-limit';
import { RequestRouter } from './requests';
import { answerClientError, RestApi } from './rest';
import { boundPort, closeHttpServer, createHttpServer, listen, rejectUpgrade, WS_PATH } from './server';
import { connectionError, sendThenClose, Session, type SessionHost } from './session';

/** Connections held while paused, at most; later ones are cut at once (bounded memory). */
const MAX_PENDING_CONNECTIONS = 1_000;

/** Delayed frames waiting at once, at most; past this the delay fault drops frames. */
const MAX_DELAYED_FRAMES = 200_000;

/**
 * The WebSocket side of the simulator: HTTP upgrade, URL authentication, the session
 * registry (with its per-key limit), idle sweeping and fault switches. What a request means
 * is the router's and the exchange's business, not this class's.
 */
export class Gateway implements SessionHost {
  readonly faults = new FaultState();
  readonly log: FrameLog;
  readonly router: RequestRouter;
  readonly sessions = new Set<Session>();
  /** The private push channel and the REST API, on the same port. */
  readonly push: PushHub;
  readonly rest: RestApi;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly verifier: UrlVerifier;
  private readonly limiter: RateLimiter;
  private readonly sessionIds: SeededIds;
  private readonly perKey = new Map<string, number>();
  /** Every upgraded socket, session or not, so that close() and drops reach them all. */
  private readonly sockets = new Set<WebSocket>();
  /**
   * Every TCP socket that asked for an upgrade, refused ones included: the HTTP server forgets
   * them (closeAllConnections does not reach them), and a refused peer that keeps its side
   * open would hold close() forever.
   */
  private readonly upgradeSockets = new Set<Duplex>();
  /** Connections that arrived while paused (and when); they are authenticated on resume. */
  private pendingConnections: Array<{
    socket: WebSocket;
    raw: Duplex;
    query: URLSearchParams;
    arrivedAt: number;
  }> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Cancels GTT orders when they are due, between requests too. */
  private readonly expiries: ExpiryTimer;
  private sweeper: IdleSweeper<Session> | undefined;
  private malformedCount = 0;
  /** WebSocket upgrade requests received, refused ones included (for `connectionAttempts()`). */
  upgrades = 0;
  private closing: Promise<void> | undefined;

  constructor(
    readonly options: ResolvedOptions,
    exchange: ExchangeApi,
  ) {
    this.log = new FrameLog(options.frameLogSize);
    this.expiries = new ExpiryTimer(
      exchange,
      () => this.clock(),
      () => this.faults.paused,
    );
    this.router = new RequestRouter(
      exchange,
      () => this.clock(),
      () => this.expiries.arm(),
    );
    this.verifier = new UrlVerifier(options.accounts, options.partners);
    this.limiter = new RateLimiter(options.rateLimit.limit, options.rateLimit.windowMs);
    this.sessionIds = new SeededIds(options.seed, 'session');
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      // Frames above maxFrameBytes get an error answer; this much larger cap is where ws
      // itself closes the socket (1009) so that no frame can exhaust memory.
      maxPayload: Math.max(options.maxFrameBytes * 16, 1024 * 1024),
    });
    const tokens = new PushTokens();
    this.push = new PushHub(this, exchange, tokens);
    this.rest = new RestApi(
      { options, faults: this.faults, clock: () => this.clock(), pushEndpoint: () => this.pushEndpoint() },
      options.accounts,
      exchange,
      tokens,
    );
    this.http = createHttpServer(options.restTimeoutMs, {
      request: (req, res) => this.rest.handle(req, res),
      upgrade: (req, socket, head) => this.onUpgrade(req, socket, head),
      clientError: answerClientError,
    });
  }

  clock(): number {
    return Date.now() + this.options.clockOffsetMs;
  }

  private pushEndpoint(): string {
    const port = boundPort(this.http, this.options.port);
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `ws://${host}:${port}${PUSH_PATH}`;
  }

  later(ms: number, fn: () => void): void {
    if (this.timers.size >= MAX_DELAYED_FRAMES || this.closing !== undefined) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, safeDelay(ms));
    this.timers.add(timer);
  }

  closed(session: Session): void {
    if (!this.sessions.delete(session)) return;
    const n = (this.perKey.get(session.apiKey) ?? 1) - 1;
    if (n <= 0) this.perKey.delete(session.apiKey);
    else this.perKey.set(session.apiKey, n);
  }

  /** Starts listening; resolves with the bound port. */
  async listen(): Promise<number> {
    const port = await listen(this.http, this.options.port, this.options.host);
    this.sweeper = new IdleSweeper(
      () => this.sessions,
      this.options.pingInterval + this.options.pingTimeout,
      () => this.clock(),
      (s) => s.state === 'ready',
    );
    return port;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.upgrades++;
    socket.on('error', () => undefined);
    this.upgradeSockets.add(socket);
    socket.once('close', () => this.upgradeSockets.delete(socket));
    if (this.closing !== undefined) return void socket.destroy();
    if (this.faults.refusing) return rejectUpgrade(socket, 503, 'Service Unavailable');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://gateway');
    } catch {
      return rejectUpgrade(socket, 400, 'Bad Request');
    }
    if (url.pathname === PUSH_PATH) return this.push.upgrade(req, socket, head, url.searchParams);
    if (url.pathname !== WS_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, socket, url.searchParams));
  }

  private onConnection(socket: WebSocket, raw: Duplex, query: URLSearchParams): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    if (this.faults.paused) {
      if (this.pendingConnections.length >= MAX_PENDING_CONNECTIONS) return void socket.terminate();
      this.pendingConnections.push({ socket, raw, query, arrivedAt: this.clock() });
      return;
    }
    this.admit(socket, raw, query, this.clock());
  }

  /**
   * URL check, session limit, then the session challenge. The URL's timestamp is checked
   * against `arrivedAt`, when the upgrade request came in — as a gateway checks it — so that
   * a pause longer than the 5 s tolerance does not turn into a 400002 on resume.
   */
  private admit(socket: WebSocket, raw: Duplex, query: URLSearchParams, arrivedAt: number): void {
    if (socket.readyState !== socket.OPEN) return;
    // Nothing is read while the signature is checked: a frame that comes in meanwhile waits
    // in the TCP buffer for the session, in order, instead of reaching no listener.
    socket.pause();
    this.verifier.verify(query, arrivedAt).then(
      (outcome) => {
        socket.resume();
        this.admitVerified(socket, raw, query, arrivedAt, outcome);
      },
      () => {
        socket.resume();
        this.refuse(socket, CODES.INTERNAL_ERROR, MESSAGES[CODES.INTERNAL_ERROR], this.clock());
      },
    );
  }

  private admitVerified(
    socket: WebSocket,
    raw: Duplex,
    query: URLSearchParams,
    arrivedAt: number,
    outcome: AuthOutcome,
  ): void {
    if (socket.readyState !== socket.OPEN || this.closing !== undefined) return;
    if (this.faults.paused) {
      // Paused while the signature was checked: admitted on resume, like any connection that
      // arrives during a pause.
      if (this.pendingConnections.length >= MAX_PENDING_CONNECTIONS) return void socket.terminate();
      this.pendingConnections.push({ socket, raw, query, arrivedAt });
      return;
    }
    const now = this.clock();
    if (!outcome.ok) {
      this.refuse(socket, outcome.code, outcome.msg, now);
      return;
    }
    const apiKey = outcome.account.apiKey;
    const open = this.perKey.get(apiKey) ?? 0;
    if (open >= this.options.maxSessionsPerKey) {
      this.refuse(socket, CODES.SESSION_LIMIT, sessionLimitMessage(this.options.maxSessionsPerKey), now);
      return;
    }
    this.perKey.set(apiKey, open + 1);
    const session = new Session(
      this,
      socket,
      raw,
      this.sessionIds.nextUuid(),
      outcome.account,
      outcome.key,
      this.limiter.windowOf(apiKey),
    );
    this.sessions.add(session);
    session.start();
  }

  private refuse(socket: WebSocket, code: string, msg: string, now: number): void {
    sendThenClose(
      socket,
      this.faults,
      (ms, fn) => this.later(ms, fn),
      connectionError(code, msg, now),
      `${code} ${msg}`.slice(0, 120),
    );
  }

  // ---- faults ----

  /**
   * Cuts every open socket. Sockets already closing are neither cut again nor counted, so
   * two calls in a row answer n then 0 even before the first sockets have finished closing.
   */
  dropSessions(): number {
    let n = 0;
    for (const s of this.sessions) if (s.drop()) n++;
    for (const socket of this.sockets) {
      if (socket.readyState !== socket.OPEN) continue;
      socket.terminate();
      n++;
    }
    return n;
  }

  pause(): void {
    this.faults.paused = true;
  }

  resume(): void {
    if (!this.faults.paused) return;
    this.faults.paused = false;
    for (const s of this.sessions) s.resumed();
    const pending = this.pendingConnections;
    this.pendingConnections = [];
    for (const { socket, raw, query, arrivedAt } of pending) this.admit(socket, raw, query, arrivedAt);
    this.push.resume();
    this.expiries.resumed();
  }

  delay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('delay(ms) needs a finite ms ≥ 0');
    this.faults.delayMs = ms;
  }

  sendMalformed(kind: MalformedKind): void {
    const now = this.clock();
    for (const s of this.sessions) {
      if (s.state !== 'ready') continue;
      if (kind === 'duplicate') {
        if (s.lastAnswer !== undefined) s.send(s.lastAnswer);
      } else if (kind === 'bad-data') {
        s.corruptNextAnswer = true;
      } else {
        s.send(malformedFrame(kind, ++this.malformedCount, now));
      }
    }
  }

  refuseConnections(on: boolean): void {
    this.faults.refusing = on;
  }

  resetFaults(): void {
    this.faults.delayMs = 0;
    this.faults.refusing = false;
    this.resume();
  }

  /** Closes every socket and the server, and clears every timer. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.sweeper?.stop();
    this.expiries.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.pendingConnections = [];
    await closeSockets(this.sockets);
    await this.push.close();
    this.wss.close();
    for (const raw of this.upgradeSockets) raw.destroy();
    await closeHttpServer(this.http);
  }
}
