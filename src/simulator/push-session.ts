import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { PushMarket } from './exchange/types';
import type { FaultState } from './faults';

/** The topics of the private push channel and the market each carries. */
export const PUSH_TOPICS: ReadonlyMap<string, PushMarket> = new Map([
  ['/spotMarket/tradeOrdersV2', 'spot'],
  ['/contractMarket/tradeOrders', 'futures'],
]);

/** What a push session needs from the hub that owns it. */
export interface PushSessionHost {
  readonly faults: FaultState;
  clock(): number;
  later(ms: number, fn: () => void): void;
  /** A session subscribed or unsubscribed: the hub starts or stops the account's events. */
  subscriptionsChanged(session: PushSession): void;
  /** Called once when the session's socket has closed or been cut. */
  closed(session: PushSession): void;
}

/** A client that stops reading is cut off once this much waits to be sent. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/** Topics one session may hold at once; there are only two, this bounds hostile repeats. */
const MAX_TOPICS = 16;

/**
 * A session's frame buffer starts this big and keeps what it grew to (a busy tick carries about
 * a kilobyte per order), so that a steady flow does not grow it again every tick; one grown past
 * FRAMES_KEPT by a burst is let go once taken.
 */
const FRAMES_INITIAL = 16 * 1024;
const FRAMES_KEPT = 8 * 1024 * 1024;

/**
 * Unmasked, unfragmented WebSocket text frames (RFC 6455 §5.2), headers and payloads in one
 * buffer. Push frames are written to the TCP socket directly: through ws each frame cost its
 * own buffers and write, most of what an event cost, and a busy subscriber fell behind. Safe
 * beside ws, which writes each of its frames whole and synchronously too (no compression, no
 * fragmentation); the few frames ws sends here (errors before a close) flush the queue first.
 *
 * Each text is encoded as it is added, while the string just built is still in the CPU's
 * cache: kept as strings until the end of the tick, an event's text cost more to flatten and
 * encode than to build. The header's size is known from the text's length alone (UTF-8 takes
 * 1 to 3 bytes per UTF-16 unit) except near 126 or 65,536 bytes, where the bytes are counted.
 */
export class FrameBuffer {
  private buf: Buffer = Buffer.allocUnsafe(FRAMES_INITIAL);
  private at = 0;

  get empty(): boolean {
    return this.at === 0;
  }

  add(text: string): void {
    const most = text.length * 3;
    const buf = this.room(most + 10);
    const at = this.at;
    let header: number;
    if (most < 126) header = 2;
    else if (text.length >= 126 && most < 65_536) header = 4;
    else header = headerSize(Buffer.byteLength(text));
    const length = buf.write(text, at + header, 'utf8');
    writeHeader(buf, at, header, length);
    this.at = at + header + length;
  }

  /**
   * An order event's frame: the message's `head` (up to `"data":`), the event's bytes
   * `data[start..end)` and the closing brace, copied in as bytes.
   */
  addEvent(head: Uint8Array, data: Uint8Array, start: number, end: number): void {
    const length = head.length + (end - start) + 1;
    const header = headerSize(length);
    const buf = this.room(header + length);
    let at = this.at;
    writeHeader(buf, at, header, length);
    at += header;
    buf.set(head, at);
    at += head.length;
    // A plain view and set(): Buffer.copy's argument checks cost more than the copy.
    buf.set(new Uint8Array(data.buffer, data.byteOffset + start, end - start), at);
    at += end - start;
    buf[at++] = 0x7d; // }
    this.at = at;
  }

  /** The buffer, with room for `n` more bytes. */
  private room(n: number): Buffer {
    if (this.buf.length - this.at >= n) return this.buf;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    return (this.buf = bigger);
  }

  /** The frames added so far, as a buffer of their own; empties this one. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.at);
    this.buf.copy(out, 0, 0, this.at);
    this.at = 0;
    if (this.buf.length > FRAMES_KEPT) this.buf = Buffer.allocUnsafe(FRAMES_INITIAL);
    return out;
  }

  /**
   * The frames added so far without a copy: a view of this buffer, which is handed over with
   * them (`base`, to be given back with `giveBack` once written); this one goes on with `spare`
   * or a new buffer as big.
   */
  detach(spare: Buffer | undefined): { frames: Buffer; base: Buffer } {
    const base = this.buf;
    const frames = base.subarray(0, this.at);
    this.buf = spare !== undefined && spare.length >= base.length ? spare : Buffer.allocUnsafe(base.length);
    this.at = 0;
    return { frames, base };
  }
}

/** The size of a frame header for a payload of `length` bytes. */
const headerSize = (length: number): number => (length < 126 ? 2 : length < 65_536 ? 4 : 10);

/** An unmasked final text frame's header (`header` bytes) for a payload of `length` bytes. */
function writeHeader(buf: Buffer, at: number, header: number, length: number): void {
  buf[at] = 0x81; // FIN, text
  if (header === 2) buf[at + 1] = length;
  else if (header === 4) {
    buf[at + 1] = 126;
    buf[at + 2] = length >>> 8;
    buf[at + 3] = length & 0xff;
  } else {
    buf[at + 1] = 127;
    buf.writeUInt32BE(Math.floor(length / 2 ** 32), at + 2);
    buf.writeUInt32BE(length >>> 0, at + 6);
  }
}

/** `texts` as WebSocket text frames in one buffer (see FrameBuffer). */
export function textFrames(texts: readonly string[]): Buffer {
  const frames = new FrameBuffer();
  for (const text of texts) frames.add(text);
  return frames.take();
}

const errorFrame = (idJson: string, code: number, data: string): string =>
  `{"id":${idJson},"type":"error","code":${code},"data":${JSON.stringify(data)}}`;

/**
 * One socket of the private push channel, admitted with a valid token: ping/pong, subscribe
 * and unsubscribe (with an ack when asked), and the account's order events on the topics it
 * subscribed. Frames go through the pause and delay faults like the WS API's.
 */
export class PushSession {
  /** Markets subscribed to. */
  readonly markets = new Set<PushMarket>();
  lastActivity: number;
  framesSent = 0;
  /** Frames received from the client (recorded even while paused). */
  framesReceived = 0;
  private ended = false;
  /** Opened during `pause()`: the welcome waits for `resume()`. */
  private welcomeOnResume = false;
  /** Frames written this tick, sent together at its end. */
  private readonly pending = new FrameBuffer();

  constructor(
    private readonly host: PushSessionHost,
    readonly socket: WebSocket,
    private readonly raw: Duplex,
    readonly id: string,
    readonly apiKey: string,
    /** The count of frames written to this account's push sockets, shared by its sessions. */
    private readonly accountFrames: { n: number },
  ) {
    this.lastActivity = host.clock();
    socket.on('message', (data) => this.onMessage(data));
    socket.on('ping', () => {
      this.lastActivity = this.host.clock();
    });
    socket.on('close', () => this.end());
    socket.on('error', () => undefined);
  }

  /** Sends the welcome frame; a session opened during `pause()` gets it on `resume()`. */
  start(): void {
    if (this.host.faults.paused) this.welcomeOnResume = true;
    else this.send(`{"id":${JSON.stringify(this.id)},"type":"welcome"}`);
  }

  /** The pause is over: a session that arrived during it is welcomed now (as the WS API's handshake). */
  resume(): void {
    if (!this.welcomeOnResume) return;
    this.welcomeOnResume = false;
    this.send(`{"id":${JSON.stringify(this.id)},"type":"welcome"}`);
  }

  /** Sends one frame through the pause and delay faults. */
  send(text: string): void {
    const { faults } = this.host;
    if (faults.paused || this.ended) return;
    if (faults.delayMs > 0) {
      this.host.later(faults.delayMs, () => this.write(text));
      return;
    }
    this.write(text);
  }

  /**
   * Sends one order event's frame (see FrameBuffer.addEvent) through the pause and delay
   * faults; the bytes are copied before this returns.
   */
  sendEvent(head: Uint8Array, data: Uint8Array, start: number, end: number): void {
    const { faults } = this.host;
    if (faults.paused || this.ended) return;
    if (faults.delayMs > 0) {
      // A copy: the writer reuses its buffer for the next event (Buffer's slice would be a view).
      const copy = new Uint8Array(end - start);
      copy.set(data.subarray(start, end));
      this.host.later(faults.delayMs, () => {
        if (this.writable()) this.pending.addEvent(head, copy, 0, copy.length);
      });
      return;
    }
    if (this.writable()) this.pending.addEvent(head, data, start, end);
  }

  private write(text: string): void {
    if (this.writable()) this.pending.add(text);
  }

  /** Whether a frame may be queued now; if so it is counted and the tick's flush is due. */
  private writable(): boolean {
    const socket = this.socket;
    if (socket.readyState !== socket.OPEN) return false;
    if (this.raw.writableLength > MAX_BUFFERED_BYTES) {
      socket.terminate();
      return false;
    }
    // Frames of one engine step (one tick) leave as one buffer in one write.
    if (this.pending.empty) process.nextTick(this.flush);
    this.framesSent++;
    this.accountFrames.n++;
    return true;
  }

  /** Writes the frames queued this tick as one buffer. */
  private readonly flush = (): void => {
    if (this.pending.empty) return;
    if (this.socket.readyState !== this.socket.OPEN) {
      this.pending.take();
      return;
    }
    // A reader that keeps up gets the buffer itself, which comes back as the spare once the
    // kernel has it: no buffer is allocated per tick (each one was external memory that V8
    // answered with garbage collections). Behind a backlog the frames are copied out instead,
    // so that what waits in memory is what writableLength (the MAX_BUFFERED_BYTES cut) counts.
    if (this.raw.writableLength > 0 || this.spare === undefined) {
      const frames = this.pending.take();
      this.raw.write(frames);
      return;
    }
    const { frames, base } = this.pending.detach(this.spare);
    this.spare = undefined;
    this.raw.write(frames, () => {
      if (base.length <= FRAMES_KEPT) this.spare = base;
    });
  };
  /** A frame buffer written and given back, used for the next tick's frames. */
  private spare: Buffer | undefined = Buffer.allocUnsafe(FRAMES_INITIAL);

  /** The 401 of an expired token, then a close. */
  expire(): void {
    this.sendThenClose(errorFrame(JSON.stringify(this.id), 401, 'token is expired'), 'token is expired');
  }

  /** Sends `text` (through the faults), then closes normally; the session is gone at once. */
  sendThenClose(text: string, reason: string): void {
    const socket = this.socket;
    const run = (): void => {
      if (socket.readyState !== socket.OPEN) return;
      this.flush(); // what was queued before goes first
      if (!this.host.faults.paused) socket.send(text);
      socket.close(1000, reason);
    };
    if (this.host.faults.delayMs > 0) this.host.later(this.host.faults.delayMs, run);
    else run();
    this.end();
  }

  /** Cuts the socket without a close frame; false when it was not open. */
  drop(): boolean {
    const open = this.socket.readyState === this.socket.OPEN;
    if (open) this.socket.terminate();
    this.end();
    return open;
  }

  /** Closes a session silent past pingInterval + pingTimeout. */
  closeIdle(): void {
    if (this.socket.readyState === this.socket.OPEN)
      this.socket.close(1000, 'idle: no frame within pingInterval + pingTimeout');
    this.end();
  }

  private onMessage(data: RawData): void {
    if (this.ended) return;
    this.lastActivity = this.host.clock();
    this.framesReceived++;
    if (this.host.faults.paused) return;
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    let frame: unknown;
    try {
      frame = JSON.parse(buf.toString('utf8'));
    } catch {
      this.send(errorFrame('null', 400, 'the frame is not valid JSON'));
      return;
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      this.send(errorFrame('null', 400, 'the frame must be a JSON object'));
      return;
    }
    const f = frame as { id?: unknown; type?: unknown; topic?: unknown; response?: unknown };
    const idJson = typeof f.id === 'string' || typeof f.id === 'number' ? JSON.stringify(f.id) : 'null';
    switch (f.type) {
      case 'ping':
        this.send(`{"id":${idJson},"type":"pong"}`);
        return;
      case 'subscribe':
      case 'unsubscribe': {
        const market = typeof f.topic === 'string' ? PUSH_TOPICS.get(f.topic) : undefined;
        if (market === undefined) {
          const topic = typeof f.topic === 'string' ? f.topic.slice(0, 100) : String(f.topic);
          this.send(errorFrame(idJson, 404, `topic ${topic} is not found`));
          return;
        }
        if (f.type === 'subscribe') {
          if (this.markets.size < MAX_TOPICS) this.markets.add(market);
        } else this.markets.delete(market);
        this.host.subscriptionsChanged(this);
        if (f.response === true) this.send(`{"id":${idJson},"type":"ack"}`);
        return;
      }
      default:
        this.send(errorFrame(idJson, 400, 'type must be ping, subscribe or unsubscribe'));
    }
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.markets.clear();
    this.host.closed(this);
  }
}
