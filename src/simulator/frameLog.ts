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
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    const n = Math.max(0, capacity);
    this.texts = new Array<string>(n).fill('');
    this.sessionIds = new Array<string>(n).fill('');
    this.apiKeys = new Array<string>(n).fill('');
    this.times = new Float64Array(n);
  }

  record(sessionId: string, apiKey: string, text: string, at: number): void {
    if (this.capacity <= 0) return;
    const i = this.next;
    this.texts[i] =
      text.length > MAX_STORED_TEXT ? `${text.slice(0, MAX_STORED_TEXT)}…(${text.length} chars)` : text;
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
        text: this.texts[i],
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
