import type { ConnectionKey } from '../transport/state';
import type { WsApiEventEmitter } from './events';
import type { Logger } from './options';

const PREFIX = '[kucoin-wsapi-rx]';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured fields, passed as the second argument (winston's meta, console prints them). */
export type LogFields = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

/** Writes one line: the level's method where the logger has it (debug and warn are optional), else info. */
export type LogSink = (level: LogLevel, message: string, fields: LogFields) => void;

/**
 * The sink over the user's logger. A logger that throws (or returns a promise that rejects) must
 * not break the client: its lines are written from event listeners and timers, where a throw
 * would become an uncaught exception and end the process. The first failure is reported once on
 * console.error (dropping every line silently would hide that logging is broken; reporting each
 * one could flood the console with one report per line), later ones are dropped.
 */
export function logSink(logger: Logger): LogSink {
  let reported = false;
  const failed = (error: unknown): void => {
    if (reported) return;
    reported = true;
    try {
      const why = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
      console.error(`${PREFIX} the logger threw (${why}); its failures are ignored from now on`);
    } catch {
      // console itself is broken: nothing left to tell.
    }
  };
  return (level, message, fields) => {
    const defined: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) defined[key] = value;
    try {
      const method = logger[level] ?? logger.info;
      const result: unknown = method.call(logger, `${PREFIX} ${message}`, defined);
      if (typeof (result as { then?: unknown } | undefined)?.then === 'function')
        (result as PromiseLike<unknown>).then(undefined, failed);
    } catch (error) {
      failed(error);
    }
  };
}

/**
 * A short code for an error, for indexing: a WsApiError's (or any error's) `code`, else the
 * system error name in its message (ECONNREFUSED, ENOTFOUND, …).
 */
export function errorCode(error: Error | undefined): string | undefined {
  if (error === undefined) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return /\b(E[A-Z][A-Z0-9_]{2,})\b/.exec(error.message)?.[1];
}

/**
 * The default listeners (`attachEventListeners`, on by default): the connection's life at
 * debug (socket open), info (authenticated, reconnected, closed by `close()`), warn (a failed
 * attempt, a lost connection) and error (closed by a refusal or exhausted attempts, unusable
 * frames, failed calls nobody observed). `closeReason` words why a connection closed for good.
 */
export function attachDefaultListeners(
  emitter: WsApiEventEmitter,
  log: LogSink,
  closeReason: (wsKey: ConnectionKey, error: Error) => string,
): void {
  /** Per wsKey: 'never' ready yet, 'ready' now, or 'lost' since the last ready. */
  const link = new Map<ConnectionKey, 'ready' | 'lost'>();
  emitter
    .on('open', (e) => log('debug', `${e.wsKey}: socket open, authenticating`, { wsKey: e.wsKey }))
    .on('authenticated', (e) => {
      link.set(e.wsKey, 'ready');
      log('info', `${e.wsKey}: authenticated, ready`, { wsKey: e.wsKey });
    })
    .on('reconnect', (e) => {
      const before = link.get(e.wsKey);
      const reason = e.error?.message ?? 'connection closed';
      const fields = {
        wsKey: e.wsKey,
        attempt: e.attempt,
        retryInMs: e.retryInMs,
        code: errorCode(e.error),
      };
      const wait = `${e.retryInMs ?? 0} ms`;
      if (before === undefined) {
        // Never connected yet: this is a failed connect, not a reconnect.
        log('warn', `${e.wsKey}: could not connect: ${reason}; retry ${e.attempt} in ${wait}`, fields);
      } else if (before === 'ready') {
        link.set(e.wsKey, 'lost');
        log(
          'warn',
          `${e.wsKey}: connection lost: ${reason}; reconnecting in ${wait} (attempt ${e.attempt})`,
          fields,
        );
      } else {
        log(
          'warn',
          `${e.wsKey}: reconnect failed: ${reason}; reconnecting in ${wait} (attempt ${e.attempt})`,
          fields,
        );
      }
    })
    .on('reconnected', (e) => log('info', `${e.wsKey}: reconnected`, { wsKey: e.wsKey, attempt: e.attempt }))
    .on('close', (e) => {
      if (e.error === undefined) log('info', `${e.wsKey}: connection closed`, { wsKey: e.wsKey });
      else {
        log('error', `${e.wsKey}: connection closed: ${closeReason(e.wsKey, e.error)}`, {
          wsKey: e.wsKey,
          code: errorCode(e.error),
        });
      }
    })
    .on('exception', (e) => {
      if (e.unobserved === true) {
        const error = e.error as Error & { op?: string; requestId?: string; clientOid?: string };
        log(
          'error',
          `${e.wsKey}: ${error.op ?? 'a call'} failed and nobody awaited or subscribed to it: ${e.error.message}`,
          {
            wsKey: e.wsKey,
            op: error.op,
            requestId: error.requestId,
            clientOid: error.clientOid,
            code: errorCode(e.error),
          },
        );
      } else {
        log('error', `${e.wsKey}: exception: ${e.error.message}`, {
          wsKey: e.wsKey,
          code: errorCode(e.error),
        });
      }
    });
}
