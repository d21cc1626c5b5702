/** One text frame a client sent, as the tests inspect it. */
export interface ReceivedFrame {
  readonly sessionId: string;
  readonly apiKey: string;
  readonly text: string;
  /** Gateway clock at receipt (ms). */
  readonly at: number;
}

/** A received frame's parsed fields, for `countFrames` predicates. */
export interface ParsedFrame {
  readonly op?: string;
  readonly id?: string;
  readonly args?: unknown;
}

interface Entry extends ReceivedFrame {
  /** The frame as parsed, when it was a JSON object; kept so counting never re-parses. */
  readonly parsed: ParsedFrame | undefined;
}

/** Texts longer than this are stored cut, so one hostile frame cannot pin megabytes. */
const MAX_STORED_TEXT = 4_096;

/**
 * The last `capacity` frames received from all clients, oldest first. A ring buffer: memory
 * stays bounded however long the simulator runs; recording is one small object per frame.
 */
export class FrameLog {
  private readonly ring: Array<Entry | undefined>;
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<Entry | undefined>(Math.max(0, capacity));
  }

  record(sessionId: string, apiKey: string, text: string, at: number, parsed: ParsedFrame | undefined): void {
    if (this.capacity <= 0) return;
    if (text.length > MAX_STORED_TEXT) text = `${text.slice(0, MAX_STORED_TEXT)}…(${text.length} chars)`;
    this.ring[this.next] = { sessionId, apiKey, text, at, parsed };
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  private *entries(): Generator<Entry> {
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) {
      const e = this.ring[(start + i) % this.capacity];
      if (e !== undefined) yield e;
    }
  }

  frames(): ReceivedFrame[] {
    const out: ReceivedFrame[] = [];
    for (const e of this.entries())
      out.push({ sessionId: e.sessionId, apiKey: e.apiKey, text: e.text, at: e.at });
    return out;
  }

  count(predicate: (frame: ParsedFrame) => boolean): number {
    let n = 0;
    for (const e of this.entries()) if (e.parsed !== undefined && predicate(e.parsed)) n++;
    return n;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.size = 0;
  }
}
