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

/** Texts longer than this are stored cut, so one hostile frame cannot pin megabytes. */
const MAX_STORED_TEXT = 4_096;

/**
 * A copy of `text` that shares no memory with it. `slice` alone would not do: V8 makes a
 * slice a view that keeps its whole parent alive, so a kept 4 KiB cut would pin the full
 * frame. UTF-16 round trip: exact for any code unit, and V8 stores the result in one byte per
 * character when it can.
 */
function detachedCopy(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

/**
 * The last `capacity` frames received from all clients, oldest first. A ring of parallel
 * arrays: recording allocates nothing (the text exists already, ids are shared strings),
 * and only texts are kept — parsed objects would be promoted to the old generation and
 * cost the garbage collector on every request. Counting parses again; it is a test-time call.
 */
export class FrameLog {
  private readonly texts: string[];
  private readonly sessionIds: string[];
  private readonly apiKeys: string[];
  private readonly times: Float64Array;
  /** The full length of a cut text (0 when kept whole): the marker is added when read. */
  private readonly cutFrom: Uint32Array;
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    const n = Math.max(0, capacity);
    this.texts = new Array<string>(n).fill('');
    this.sessionIds = new Array<string>(n).fill('');
    this.apiKeys = new Array<string>(n).fill('');
    this.times = new Float64Array(n);
    this.cutFrom = new Uint32Array(n);
  }

  record(sessionId: string, apiKey: string, text: string, at: number): void {
    if (this.capacity <= 0) return;
    const i = this.next;
    const cut = text.length > MAX_STORED_TEXT;
    this.texts[i] = cut ? detachedCopy(text.slice(0, MAX_STORED_TEXT)) : text;
    this.cutFrom[i] = cut ? text.length : 0;
    this.sessionIds[i] = sessionId;
    this.apiKeys[i] = apiKey;
    this.times[i] = at;
    this.next = i + 1 === this.capacity ? 0 : i + 1;
    if (this.size < this.capacity) this.size++;
  }

  /** Ring positions, oldest first. */
  private *positions(): Generator<number> {
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let k = 0; k < this.size; k++) yield (start + k) % this.capacity;
  }

  frames(): ReceivedFrame[] {
    const out: ReceivedFrame[] = [];
    for (const i of this.positions()) {
      out.push({
        sessionId: this.sessionIds[i],
        apiKey: this.apiKeys[i],
        text: this.cutFrom[i] > 0 ? `${this.texts[i]}…(${this.cutFrom[i]} chars)` : this.texts[i],
        at: this.times[i],
      });
    }
    return out;
  }

  /** Frames that parse as JSON objects and satisfy `predicate`. */
  count(predicate: (frame: ParsedFrame) => boolean): number {
    let n = 0;
    for (const i of this.positions()) {
      const parsed = parsedView(this.texts[i]);
      if (parsed !== undefined && predicate(parsed)) n++;
    }
    return n;
  }
}

/** The frame as predicates see it: `op` and `id` only when they are strings. */
function parsedView(text: string): ParsedFrame | undefined {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return undefined;
  const f = frame as { op?: unknown; id?: unknown; args?: unknown };
  return {
    op: typeof f.op === 'string' ? f.op : undefined,
    id: typeof f.id === 'string' ? f.id : undefined,
    args: f.args,
  };
}
