import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { CODES } from '../codecs/codes';
import { verifySessionSignature } from './auth';
import { MALFORMED_PREFIX, MESSAGES } from './codes';
import type { AccountConfig } from './exchange/types';
import { BAD_DATA, type FaultState } from './faults';
import type { FrameLog } from './frame-log';
import type { ResolvedOptions } from './options';
import type { RateWindow } from './rate-limit';
import type { RequestRouter } from './requests';
import { safeDelay } from '../safe-delay';

/** What a session needs from the gateway that owns it. */
export interface SessionHost {
  readonly options: ResolvedOptions;
  readonly faults: FaultState;
  readonly router: RequestRouter;
  readonly log: FrameLog;
  clock(): number;
  /** Runs `fn` after `ms`; the host clears pending timers when it closes. */
  later(ms: number, fn: () => void): void;
  /** Called once when the session's socket has closed. */
  closed(session: Session): void;
}

/** A client that stops reading gets cut off once this much is waiting to be sent. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/** WebSocket close reasons are limited to 123 bytes. */
const reasonOf = (code: string, msg: string): string => `${code} ${msg}`.slice(0, 120);

/** A connection-level error frame (docs/protocol.md §2): code, msg, inTime, outTime; no id. */
export function connectionError(code: string, msg: string, now: number): string {
  return `{"code":"${code}","msg":${JSON.stringify(msg)},"inTime":${now},"outTime":${now}}`;
}

/**
 * Sends `text` then closes the socket with a normal close code and `code msg` as reason —
 * how the gateway refuses a connection or ends a session. Honours pause (the frame is
 * swallowed, the close still happens) and delay (both wait).
 */
export function sendThenClose(
  socket: WebSocket,
  faults: FaultState,
  later: SessionHost['later'],
  text: string,
  reason: string,
): void {
  const run = (): void => {
    if (socket.readyState !== socket.OPEN) return;
    if (!faults.paused) socket.send(text);
    socket.close(1000, reason);
  };
  if (faults.delayMs > 0) later(faults.delayMs, run);
  else run();
}

/**
 * One authenticated socket: the session challenge (docs/protocol.md §2), then requests and pings
 * (§3, §4) handed to the router. Inbound frames are parsed once; each answer is one string.
 */
export class Session {
  state: 'handshake' | 'ready' = 'handshake';
  framesReceived = 0;
  /** Gateway clock of the last inbound frame (any frame counts, control frames too). */
  lastActivity: number;
  /** The last answer to a request, for the 'duplicate' fault. */
  lastAnswer: string | undefined;
  /** Set by the 'bad-data' fault: the next success answer gets data of the wrong shape. */
  corruptNextAnswer = false;
  private challenge: string | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private ended = false;
  private corked = false;

  /**
   * Frames that came in while the session signature was being checked (the socket is paused
   * then, so at most what one read had already brought); handled in order once it is checked.
   */
  private waiting: Array<{ text: string; bytes: number }> | undefined;
  /** A welcome the pause held: the signature was checked while the gateway was paused. */
  private welcomeHeld = false;

  constructor(
    private readonly host: SessionHost,
    readonly socket: WebSocket,
    /** The TCP socket under `socket`, corked per tick so answers leave in one write. */
    private readonly raw: Duplex,
    readonly id: string,
    private readonly account: AccountConfig,
    /** The account's signing key, for the session signature. */
    private readonly key: CryptoKey,
    private readonly rate: RateWindow,
  ) {
    this.lastActivity = host.clock();
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('ping', () => {
      this.lastActivity = this.host.clock();
    });
    socket.on('close', () => this.end());
    // Socket errors (resets, bad frames) end in 'close'; listening keeps them from throwing.
    socket.on('error', () => undefined);
  }

  get apiKey(): string {
    return this.account.apiKey;
  }

  /** Sends the challenge and starts the handshake clock. */
  start(): void {
    if (this.ended) return;
    this.challenge = `{"sessionId":"${this.id}","timestamp":${this.host.clock()}}`;
    this.send(this.challenge);
    this.handshakeTimer = setTimeout(() => {
      this.handshakeTimer = undefined;
      if (this.state === 'handshake') this.fail(CODES.SESSION_TIMEOUT, MESSAGES[CODES.SESSION_TIMEOUT]);
    }, safeDelay(this.host.options.handshakeTimeoutMs));
  }

  /** Sends one frame, through the pause and delay faults. */
  send(text: string): void {
    const { faults } = this.host;
    if (faults.paused || this.ended) return;
    if (faults.delayMs > 0) {
      this.host.later(faults.delayMs, () => this.write(text));
      return;
    }
    this.write(text);
  }

  private write(text: string): void {
    const socket = this.socket;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      // Bounded memory: a client that does not read its answers loses its session.
      socket.terminate();
      return;
    }
    if (!this.corked) {
      // Every answer produced while handling one TCP chunk leaves in a single writev:
      // one syscall per chunk instead of one per frame.
      this.corked = true;
      this.raw.cork();
      process.nextTick(this.uncork);
    }
    socket.send(text);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.raw.uncork();
  };

  /** Error frame, then close: the end of a handshake that failed. */
  fail(code: string, msg: string): void {
    const now = this.host.clock();
    this.clearTimer();
    sendThenClose(
      this.socket,
      this.host.faults,
      (ms, fn) => this.host.later(ms, fn),
      connectionError(code, msg, now),
      reasonOf(code, msg),
    );
    // A session the gateway is ending is gone at once: it neither lists nor counts to the limit.
    this.end();
  }

  /** Cuts the socket without a close frame (a network drop); false when it was not open. */
  drop(): boolean {
    const open = this.socket.readyState === this.socket.OPEN;
    if (open) this.socket.terminate();
    this.end();
    return open;
  }

  /** Closes a session that stayed silent past pingInterval + pingTimeout. */
  closeIdle(): void {
    this.clearTimer();
    if (this.socket.readyState === this.socket.OPEN)
      this.socket.close(1000, 'idle: no frame within pingInterval + pingTimeout');
    this.end();
  }

  private onMessage(data: RawData, _isBinary: boolean): void {
    if (this.ended) return; // a closing session reads nothing more
    const host = this.host;
    const now = host.clock();
    this.lastActivity = now;
    this.framesReceived++;
    // Binary frames are read as UTF-8 text too: the gateway only speaks text.
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const oversized = buf.length > host.options.maxFrameBytes;
    const text = oversized ? buf.toString('utf8', 0, 4096) : buf.toString('utf8');
    // Recorded even while paused: tests count what reached the gateway, answered or not.
    host.log.record(this.id, this.account.apiKey, text, now);

    if (this.waiting !== undefined) {
      this.waiting.push({ text, bytes: buf.length });
      return;
    }
    if (this.state === 'handshake') {
      if (host.faults.paused || this.challenge === undefined) return;
      this.clearTimer();
      if (oversized) this.fail(CODES.SESSION_SIGN_WRONG, MESSAGES[CODES.SESSION_SIGN_WRONG]);
      else this.checkSignature(this.challenge, text);
      return;
    }
    this.handle(text, buf.length, now);
  }

  /**
   * The signature is checked asynchronously (Web Crypto): meanwhile the socket is paused and
   * frames already read wait in `waiting`, so that no request overtakes the signature.
   */
  private checkSignature(challenge: string, text: string): void {
    this.waiting = [];
    this.socket.pause();
    const settle = (ok: boolean): void => {
      const waiting = this.waiting ?? [];
      this.waiting = undefined;
      this.socket.resume();
      if (this.ended) return;
      if (!ok) {
        this.fail(CODES.SESSION_SIGN_WRONG, MESSAGES[CODES.SESSION_SIGN_WRONG]);
        return;
      }
      this.state = 'ready';
      // Paused while the signature was checked: a frozen gateway welcomes once it runs again
      // (`resumed`); the frames read meanwhile are swallowed, as any frame read while paused.
      if (this.host.faults.paused) {
        this.welcomeHeld = true;
        return;
      }
      this.welcome();
      for (const frame of waiting) {
        if (this.ended) return;
        this.handle(frame.text, frame.bytes, this.host.clock());
      }
    };
    verifySessionSignature(this.key, challenge, text).then(settle, () => settle(false));
  }

  /** The gateway resumed: a welcome the pause held goes now. */
  resumed(): void {
    if (!this.welcomeHeld || this.ended) return;
    this.welcomeHeld = false;
    this.welcome();
  }

  private welcome(): void {
    const { pingInterval, pingTimeout } = this.host.options;
    this.send(
      `{"sessionId":"${this.id}","data":"welcome","pingInterval":${pingInterval},"pingTimeout":${pingTimeout}}`,
    );
  }

  /** A frame of a ready session: `bytes` is its size on the wire. */
  private handle(text: string, bytes: number, now: number): void {
    const host = this.host;
    const oversized = bytes > host.options.maxFrameBytes;
    if (oversized) {
      if (host.faults.paused) return;
      const msg = `${MALFORMED_PREFIX}the frame of ${bytes} bytes exceeds the limit of ${host.options.maxFrameBytes} bytes.`;
      this.send(host.router.malformed(msg, this.rate, now));
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      if (!host.faults.paused)
        this.send(host.router.malformed(`${MALFORMED_PREFIX}the frame is not valid JSON.`, this.rate, now));
      return;
    }
    if (host.faults.paused) return;
    let answer = host.router.answer(frame, this.account.apiKey, this.rate, now);
    if ((frame as { op?: unknown } | null)?.op !== 'ping') {
      if (this.corruptNextAnswer) answer = this.corrupt(answer);
      this.lastAnswer = answer;
    }
    this.send(answer);
  }

  /** The 'bad-data' fault: a success answer keeps its envelope, its data becomes a string. */
  private corrupt(answer: string): string {
    const envelope = JSON.parse(answer) as { code?: unknown; data?: unknown };
    if (envelope.code !== CODES.SUCCESS) return answer; // stays armed for the next success
    this.corruptNextAnswer = false;
    envelope.data = BAD_DATA;
    return JSON.stringify(envelope);
  }

  private clearTimer(): void {
    if (this.handshakeTimer !== undefined) {
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = undefined;
    }
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.clearTimer();
    this.host.closed(this);
  }
}
