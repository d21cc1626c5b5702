import type { WsApiCall } from './call';
import { DeadlineQueue } from './deadline-queue';

/**
 * The calls of one connection that wait for an answer (or for a connection to be written
 * to), by request id. Answers are routed with one Map lookup whatever the number in flight;
 * timeouts come from the shared deadline queue, one timer for all.
 */
export class PendingCalls extends DeadlineQueue<WsApiCall> {
  /** Rejects and removes every call that `select` picks, with the error `errorFor` builds. */
  failWhere(select: (call: WsApiCall) => boolean, errorFor: (call: WsApiCall) => unknown): number {
    let failed = 0;
    for (const call of this.values()) {
      if (!select(call)) continue;
      this.delete(call.id);
      call.reject(errorFor(call));
      failed++;
    }
    return failed;
  }
}
