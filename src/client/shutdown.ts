import { AuthenticationError, ClientClosedError, ConfigurationError, type WsApiError } from '../errors';
import type { WSAPIWsKey } from '../operations';
import type { ConnectionKey } from '../transport/state';
import type { WsApiCall } from '../rpc/call';
import { requestDetails } from '../rpc/error-details';
import type { RestClient } from '../rest/rest-client';

/**
 * The key `await using` calls. Node 20 and current browsers have Symbol.asyncDispose; where it
 * is missing, the registered symbol that polyfills use (`Symbol.for('Symbol.asyncDispose')`).
 */
export const ASYNC_DISPOSE: typeof Symbol.asyncDispose = ((Symbol as { asyncDispose?: symbol })
  .asyncDispose ?? Symbol.for('Symbol.asyncDispose')) as typeof Symbol.asyncDispose;

/** One wsKey's request layer and connection, as closing sees them. */
export interface ClosableRoute {
  readonly channel: { failAll(errorFor: (call: WsApiCall) => unknown): void };
  readonly connection: { close(reason?: Error): Promise<void> };
}

/** Everything a client closes. */
export interface ClientParts {
  readonly routes: readonly ClosableRoute[];
  /** Order tracking and reconciliation: waits stop, tracked streams error with the reason. */
  readonly orders: { close(reason: Error): void };
  /** The push connections. */
  readonly feed: { close(reason?: Error): Promise<void> };
  readonly gate: { dispose(): void } | undefined;
  readonly rest: Pick<RestClient, 'close'>;
  /** Stops the testnet simulator, if any; never rejects. */
  stopTestnet(): Promise<void>;
  /** Runs last, once everything is closed (ends `events$`). */
  closed(): void;
  /** `reconnect.maxAttempts`, for the words of a connection that gave up. */
  readonly maxAttempts: number;
}

/** A refusal or a configuration error: what every pending call should see when it closes the client. */
const isRefusal = (e: unknown): e is AuthenticationError | ConfigurationError =>
  e instanceof AuthenticationError || e instanceof ConfigurationError;

/**
 * Closing a client, once: by `close()`, or forced by the error that closed a connection for
 * good (an auth refusal, a bad configuration, exhausted reconnects). Afterwards it says why,
 * and builds the error that calls meeting the closed client fail with.
 */
export class Shutdown {
  /** Set once the client closes: why (undefined reason = `close()`). */
  private state: { readonly reason: Error | undefined; readonly why: string | undefined } | undefined =
    undefined;
  private closing: Promise<void> | undefined = undefined;

  constructor(private readonly parts: ClientParts) {}

  /** Whether the client has closed (or is closing). */
  get done(): boolean {
    return this.state !== undefined;
  }

  /**
   * Closes everything, once: fails every pending call (and REST request), closes the sockets,
   * then stops the testnet simulator. `reason` is the error that forced it, undefined for
   * `close()`; `wsKey` the connection it closed. Resolves when all is closed; never rejects.
   */
  run(reason: Error | undefined, wsKey?: WSAPIWsKey): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    const parts = this.parts;
    // Assigned before anything runs: rejecting calls runs user code, which may call close().
    let done!: () => void;
    this.closing = new Promise<void>((resolve) => (done = resolve));
    const shared = isRefusal(reason) ? reason : undefined;
    // A connection closes on its own for a refusal, or when its reconnect attempts are spent.
    const why =
      reason === undefined || wsKey === undefined ? reason?.message : this.closeReason(wsKey, reason);
    this.state = { reason, why };
    for (const { channel } of parts.routes) channel.failAll((call) => shared ?? this.closedError(call));
    parts.orders.close(shared ?? this.closedError());
    parts.gate?.dispose();
    parts.rest.close(
      (request) =>
        shared ?? new ClientClosedError({ ...requestDetails(request), reason: why, cause: reason }),
    );
    void (async () => {
      try {
        await Promise.all([
          ...parts.routes.map(({ connection }) => connection.close(reason)),
          parts.feed.close(reason),
        ]);
        await parts.stopTestnet();
      } catch {
        // Sockets and the testnet simulator are closed as far as they can be; a failure to stop
        // must not become an unhandled rejection that takes the user's process down.
      } finally {
        parts.closed();
        done();
      }
    })();
    return this.closing;
  }

  /** The error for a call (or `connect()`, without one) that meets the closed client. */
  closedError(call?: WsApiCall): WsApiError {
    return new ClientClosedError({
      ...(call === undefined ? undefined : requestDetails(call)),
      reason: this.state?.why,
      cause: this.state?.reason,
      sent: call?.sent,
    });
  }

  /** Why a connection closed for good, in words: a refusal's message, or the attempts it gave up after. */
  closeReason(wsKey: ConnectionKey, error: Error): string {
    const state = this.state;
    if (state !== undefined && state.reason === error && state.why !== undefined) return state.why;
    return isRefusal(error)
      ? error.message
      : `${wsKey} gave up after ${this.parts.maxAttempts} reconnect attempts ` +
          `(reconnect.maxAttempts): ${error.message}`;
  }
}
