import { detached } from '../codecs/report';
import type { WsApiError } from '../errors';
import type { ConnectionKey } from '../transport/state';
import type { WsApiCall } from '../rpc/call';
import type { WsApiEventEmitter } from './events';

/** How much of an unusable frame an exception event carries. */
const FRAME_EXCERPT = 256;

/** At most FRAME_EXCERPT characters of a frame, as a copy: a slice would keep the whole frame (up to 16 MiB) alive with the event. */
export function frameExcerpt(raw: string | undefined): string | undefined {
  return raw === undefined || raw.length <= FRAME_EXCERPT ? raw : `${detached(raw.slice(0, FRAME_EXCERPT))}…`;
}

/**
 * Raises the `exception` events: frames the client could not use, and failed calls that
 * nobody observed (contract: a failure is never silent). A call's error already reported
 * with its frame (a malformed answer) is not reported again as unobserved.
 */
export class ExceptionReporter {
  /** Errors already reported as a frame exception. */
  private readonly reported = new WeakSet<object>();
  /** Failed calls nobody had observed yet; reported on the next macrotask unless observed by then. */
  private unobserved: Array<{ readonly call: WsApiCall; readonly error: unknown }> = [];

  constructor(private readonly emitter: WsApiEventEmitter) {}

  /** A frame the client could not use, and the error it caused. */
  frame(wsKey: ConnectionKey, error: WsApiError, raw: string | undefined): void {
    if (error.requestId !== undefined) this.reported.add(error);
    this.emitter.emit({ type: 'exception', wsKey, error, frame: frameExcerpt(raw) });
  }

  /** The calls' hook: `call` failed while nobody had awaited or subscribed to it. */
  readonly unobservedFailure = (call: WsApiCall, error: unknown): void => {
    if (this.unobserved.push({ call, error }) === 1) setTimeout(() => this.reportUnobserved(), 0);
  };

  /**
   * Reports the failed calls that nobody has awaited or subscribed to by now (a macrotask after
   * they failed, so a caller that attaches in the same turn counts): one `exception` event each.
   */
  private reportUnobserved(): void {
    const failed = this.unobserved;
    this.unobserved = [];
    for (const { call, error } of failed) {
      if (call.observed || this.reported.has(error as object)) continue;
      this.emitter.emit({
        type: 'exception',
        wsKey: call.wsKey,
        error: error instanceof Error ? error : new Error(String(error)),
        frame: undefined,
        unobserved: true,
      });
    }
  }
}
