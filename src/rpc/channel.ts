import { fold } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Subject } from 'rxjs';
import { CODES } from '../codecs/codes';
import { Answer, type RateLimit } from '../codecs/envelope';
import { formatIssues, printable, toIssues } from '../codecs/report';
import {
  DisconnectedError,
  GatewayError,
  ProtocolError,
  RateLimitError,
  TimeoutError,
  WsApiError,
  isGatewayErrorCode,
} from '../errors';
import type { WSAPIWsKey } from '../operations';
import { answerMismatch } from './answer-oids';
import type { WsApiCall } from './call';
import { requestDetails } from './error-details';
import { PendingCalls } from './pending-calls';
import type { RateLimitGate } from './rate-limit-gate';
import { FastAnswer } from './response-envelope';
import type { WSAPIResponse } from './response';

/** What the channel writes to: the ready session of its connection. */
export interface Link {
  /** Writes one frame. False: not written (the socket is closing, or its send buffer is full). */
  write(frame: string): boolean;
}

/** One answered call's timings, as `latency$` emits them. */
export interface CallLatency {
  readonly id: string;
  readonly op: string;
  readonly wsKey: WSAPIWsKey;
  /** From writing the request to reading its answer (ms). */
  readonly roundTripMs: number;
  /** The gateway's own time, `outTime - inTime` (ms). */
  readonly gatewayMs: number;
}

/** The last quota seen on a connection, as `rateLimit$` emits it. */
export interface RateLimitState extends RateLimit {
  readonly wsKey: WSAPIWsKey;
}

/** Client-wide outlets; each is fed only while someone listens. */
export interface ChannelOutlets {
  readonly latency: Subject<CallLatency>;
  readonly rateLimit: Subject<RateLimitState>;
  /** Every settled response envelope, for the 'response' event (checked with `wantsResponses`). */
  response(response: WSAPIResponse): void;
  wantsResponses(): boolean;
  exception(wsKey: WSAPIWsKey, error: WsApiError, raw: string | undefined): void;
}

const now = (): number => performance.now();

/** Taken-over calls per connection whose late answer is still awaited (see `RpcChannel.overdue`). */
const MAX_OVERDUE = 1_024;

/**
 * The request side of one connection: the pending calls by id, the queue of calls not yet
 * written, and the routing of answers.
 *
 * Per call: one Map insert, one socket write (or a queue push while not ready), one Map
 * take when the answer comes. Per answer frame: the envelope codec's `is`, the operation's
 * response codec `is` (a full decode only to explain a failure), and settling the call.
 * At most once: a call is written once and only from the queue or at submit time; when the
 * link dies, written calls fail as disconnected and are never written again.
 */
export class RpcChannel {
  readonly pending: PendingCalls;
  /** The last quota the gateway reported on this connection. */
  lastRateLimit: RateLimit | undefined = undefined;
  /** The ready session it writes to: set by `ready`, gone with `lost` (or closing). */
  private link: Link | undefined = undefined;
  /** Why the last connection attempt failed, until a session is ready: the cause of unsent timeouts. */
  linkError: Error | undefined = undefined;
  /** Calls waiting to be written, oldest first, from `head` on (timed-out ones are skipped). */
  private queue: Array<WsApiCall | undefined> = [];
  private head = 0;
  private readonly flushQueue = (): void => this.flush();
  /**
   * Written calls whose timeout fired, by id: their answer may still come on this session. It
   * settles a call reconcile took over and has not settled yet; otherwise it is checked against
   * how the call settled (reconciled, or failed as outcome unknown). At most MAX_OVERDUE (the
   * oldest go first); forgotten when the link is lost (an answer never comes on another session).
   */
  private readonly overdue = new Map<string, WsApiCall>();

  constructor(
    readonly wsKey: WSAPIWsKey,
    timeoutMs: number,
    private readonly outlets: ChannelOutlets,
    private readonly gate: RateLimitGate | undefined,
    /** Starts the connection if it has not started yet. */
    private readonly connect: () => void,
  ) {
    this.pending = new PendingCalls(timeoutMs, (call) => this.expire(call));
  }

  /** Sends `frame` for `call` now if the connection is ready, else queues it. */
  submit(call: WsApiCall, frame: string): void {
    this.track(call, frame, this.sendNow(frame));
  }

  /**
   * Writes a request's frame at once if it may go now: the link is ready, no queued call is
   * ahead of it, the gate lets it through and the socket takes it. False: nothing was written,
   * and `track` queues it.
   */
  sendNow(frame: string): boolean {
    const link = this.link;
    if (this.head !== this.queue.length || link === undefined) return false;
    const gate = this.gate;
    if (gate !== undefined && !gate.tryAcquire()) return false;
    if (link.write(frame)) return true;
    gate?.released();
    return false;
  }

  /**
   * Follows `call` until its answer or timeout: its frame was written by `sendNow` (`written`),
   * or it waits in the queue with its frame for a ready link, the gate or a drained socket.
   */
  track(call: WsApiCall, frame: string, written: boolean): void {
    this.pending.add(call.id, call);
    if (written) {
      call.sentAt = call.createdAt;
      return;
    }
    call.frame = frame;
    this.queue.push(call);
    if (this.link === undefined) this.connect();
    else if (this.gate !== undefined) this.gate.wait(this.flushQueue);
  }

  /** An answer (any frame with a string id) from the connection. */
  frame(frame: Record<string, unknown>, id: string, raw: string): void {
    const call = this.pending.get(id);
    // A call still queued was never written: no answer can be its (the gateway, or something
    // in between, made the id up). It stays pending and is written in its turn.
    if (call === undefined || call.sentAt === undefined) {
      const late = this.overdue.get(id);
      if (late !== undefined) {
        this.overdue.delete(id);
        this.lateAnswer(late, frame, raw);
        return;
      }
      this.outlets.exception(
        this.wsKey,
        new ProtocolError(
          call === undefined
            ? `answer to an unknown or expired request id ${printable(id)}`
            : `answer to request id ${printable(id)}, which was not sent yet`,
        ),
        raw,
      );
      return;
    }
    this.pending.delete(id);
    const answer = this.read(call, frame);
    // `read` makes its errors itself, and a response is never an Error: the plain check, not
    // WsApiError's own (which also knows other copies of the package, for users).
    const failed = answer instanceof Error;
    // The envelope, when it was one (its op is the request's): it counts for the quota, the
    // latency and the 'response' event even when it refuses or its data is malformed.
    const response = failed ? answer.response : answer;
    const rateLimit = response?.rateLimit;
    this.gate?.answered(rateLimit);
    if (rateLimit !== undefined) {
      this.lastRateLimit = rateLimit;
      if (this.outlets.rateLimit.observed) this.outlets.rateLimit.next({ wsKey: this.wsKey, ...rateLimit });
    }
    if (response !== undefined && this.outlets.latency.observed) {
      this.outlets.latency.next({
        id,
        op: call.op,
        wsKey: this.wsKey,
        roundTripMs: now() - (call.sentAt as number),
        gatewayMs: response.outTime - response.inTime,
      });
    }
    if (!failed) call.resolve(answer);
    // A malformed answer (a code that is not digits included) is reported as well.
    else if (answer instanceof ProtocolError) this.fail(call, answer, raw);
    else call.reject(answer);
    if (response !== undefined && this.outlets.wantsResponses()) this.outlets.response(response);
  }

  /** A frame the connection could not use. */
  exception(error: WsApiError, raw: string | undefined): void {
    this.outlets.exception(this.wsKey, error, raw);
  }

  /** A session is ready: write what waited. */
  ready(link: Link): void {
    this.link = link;
    this.linkError = undefined;
    this.flush();
  }

  /** The socket drained below its high-water mark: write what waited. */
  drained(): void {
    this.flush();
  }

  /** The link died: every written call has an unknown outcome and fails now. */
  lost(error: Error): void {
    this.link = undefined;
    this.overdue.clear();
    this.linkError = error;
    const gate = this.gate;
    this.pending.failWhere(
      (call) => call.sentAt !== undefined,
      (call) => {
        gate?.released();
        return new DisconnectedError({ ...requestDetails(call), cause: error });
      },
    );
  }

  /**
   * Fails every call with the error `errorFor` builds and stops the timer (closing). A written
   * call's answer may still be read (the rest of the socket read under way, when `close()` ran
   * in an answer's handler, or what comes before the socket is gone): it is then a late answer,
   * reported as telling the outcome the failure left unknown, not as an unknown request id.
   */
  failAll(errorFor: (call: WsApiCall) => unknown): void {
    this.link = undefined;
    // The calls already overdue (timed out, or taken over by reconcile) stay: their answers may
    // be in the same read too.
    this.queue = [];
    this.head = 0;
    for (const call of this.pending.drain()) {
      call.reject(errorFor(call));
      if (call.sentAt !== undefined) this.keepOverdue(call);
    }
  }

  /** Writes queued calls in order while the connection is ready and the gate lets them through. */
  private flush(): void {
    const link = this.link;
    const queue = this.queue;
    while (this.head < queue.length) {
      const call = queue[this.head] as WsApiCall;
      if (call.status !== 'pending') {
        queue[this.head++] = undefined;
        continue;
      }
      if (link === undefined) break;
      if (this.gate !== undefined && !this.gate.tryAcquire()) {
        this.gate.wait(this.flushQueue);
        break;
      }
      if (!link.write(call.frame as string)) {
        // The socket is closing (the call waits for the next session) or its send buffer is
        // full (it waits for `drained`).
        this.gate?.released();
        break;
      }
      queue[this.head++] = undefined;
      call.frame = undefined;
      call.sentAt = now();
    }
    this.compact();
  }

  /** Frees the slots before `head`: all at once when the queue is empty, else in big steps. */
  private compact(): void {
    const queue = this.queue;
    if (this.head === queue.length) {
      queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Lets go of settled calls at the head of the queue now. Calls time out in the order they
   * were made, which is the queue's order, so the queued calls that timed out are exactly its
   * head: without this they (and their errors) would stay until the next flush, which a long
   * outage puts off for as long as it lasts.
   */
  private dropSettledHead(): void {
    const queue = this.queue;
    while (this.head < queue.length && (queue[this.head] as WsApiCall).status !== 'pending')
      queue[this.head++] = undefined;
    this.compact();
  }

  private expire(call: WsApiCall): void {
    const sent = call.sentAt !== undefined;
    if (sent) this.gate?.released();
    const timeoutMs = this.pending.timeoutMs;
    // Unsent with a ready link: the gate or a full send buffer held it back, not the link.
    const heldBack = !sent && this.link !== undefined;
    call.reject(
      new TimeoutError({
        ...requestDetails(call),
        timeoutMs,
        sent,
        cause: sent || heldBack ? undefined : this.linkError,
        msg: heldBack
          ? `not sent within ${timeoutMs} ms (held back by the rate-limit gate or a full send buffer)`
          : undefined,
      }),
    );
    // Amortised O(1): each queue slot is passed over once.
    if (!sent) this.dropSettledHead();
    // Written: its answer may still come (to settle it if reconcile took it over, else to tell
    // the outcome the timeout left unknown).
    else this.keepOverdue(call);
  }

  /** Remembers a written call that settled without its answer (the last MAX_OVERDUE of them). */
  private keepOverdue(call: WsApiCall): void {
    this.overdue.set(call.id, call);
    if (this.overdue.size > MAX_OVERDUE) this.overdue.delete(this.overdue.keys().next().value as string);
  }

  /**
   * The answer to a written call whose timeout fired. Still pending (reconcile took it over):
   * the answer settles it as it would have in time (reconcile then stops). Settled already
   * (REST told first, or the timeout failed it as outcome unknown): an answer that disagrees,
   * or tells an outcome that was unknown, is reported as an exception; one that agrees is not.
   * Either way it is an answered request's envelope (the 'response' event). The rate-limit gate
   * already gave the call's unit back when it timed out, so the answer does not count again.
   */
  private lateAnswer(call: WsApiCall, frame: Record<string, unknown>, raw: string): void {
    const answer = this.read(call, frame);
    if (answer instanceof ProtocolError) {
      this.fail(call, answer, raw);
      return;
    }
    if (call.status === 'pending') {
      if (answer instanceof WsApiError) call.reject(answer);
      else call.resolve(answer);
    } else {
      const disagreement = call.answeredLate(answer);
      if (disagreement !== undefined) this.outlets.exception(this.wsKey, disagreement, raw);
    }
    const response = answer instanceof WsApiError ? answer.response : answer;
    if (response !== undefined && this.outlets.wantsResponses()) this.outlets.response(response);
  }

  /**
   * What an answer to `call` says: its response (made in place from the frame: op filled in,
   * plus the two fields the client adds), the gateway's refusal, or why it is malformed (an
   * answer by id for another operation, even a pong, is never the call's).
   */
  private read(call: WsApiCall, frame: Record<string, unknown>): WSAPIResponse | WsApiError {
    const op = frame.op;
    if (op !== undefined && op !== call.op) {
      const shown = typeof op === 'string' ? `"${printable(op)}"` : `of type ${typeof op}`;
      return new ProtocolError(
        `the answer's op ${shown} is not the request's, ${call.op}`,
        requestDetails(call),
      );
    }
    if (!FastAnswer.is(frame))
      return this.malformedError(call, 'the response envelope', Answer.decode(frame));
    const response = frame as Answer as WSAPIResponse;
    if (op === undefined) response.op = call.op;
    response.wsKey = this.wsKey;
    response.isWSAPIResponse = true;
    if (response.code !== CODES.SUCCESS) return this.gatewayError(call, response);
    if (!call.spec.response.is(response.data))
      return this.malformedError(call, `${call.op} data`, call.spec.response.decode(response.data), response);
    const mismatch = answerMismatch(call, response.data);
    if (mismatch === undefined) return response;
    return new ProtocolError(printable(mismatch), { ...requestDetails(call), response });
  }

  private gatewayError(call: WsApiCall, response: WSAPIResponse): WsApiError {
    const { code } = response;
    const details = { ...requestDetails(call), response };
    if (code === CODES.TOO_MANY_REQUESTS) {
      return new RateLimitError({
        ...details,
        code,
        msg: response.msg ?? '',
        reset: RateLimitError.cappedReset(response.rateLimit?.reset),
        receivedAt: Date.now(),
      });
    }
    // Gateway codes are digits; anything else is not an answer the client can classify.
    if (!isGatewayErrorCode(code))
      return new ProtocolError(`answer code ${printable(code)} is not digits`, details);
    return new GatewayError({ ...details, code, msg: response.msg ?? '' });
  }

  /** The error of an answer of the wrong shape (`what` of it), saying why. */
  private malformedError(
    call: WsApiCall,
    what: string,
    decoded: ReturnType<typeof Answer.decode>,
    response?: WSAPIResponse,
  ): ProtocolError {
    const why = pipe(
      decoded,
      fold(
        (errors) => formatIssues(toIssues(errors)),
        () => 'unexpected shape',
      ),
    );
    return new ProtocolError(`${what}: ${why}`, { ...requestDetails(call), response });
  }

  /** Fails a known call over an unusable answer, and reports the frame. */
  private fail(call: WsApiCall, error: ProtocolError, raw: string): void {
    call.reject(error);
    this.outlets.exception(this.wsKey, error, raw);
  }
}
