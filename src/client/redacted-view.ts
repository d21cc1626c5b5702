import type { ClientSettings, WebsocketAPIClientOptions } from './options';

/** The key util.inspect (and so console.log) calls on an object. */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** The credentials as a client shows them: the key's first four characters, the rest redacted. */
export interface CredentialHints {
  readonly apiKey: string | undefined;
  readonly apiSecret: '[redacted]' | undefined;
  readonly apiPassphrase: '[redacted]' | undefined;
}

/** Made once, at construction: afterwards only the signer's closure holds the credentials. */
export function credentialHints(options: WebsocketAPIClientOptions): CredentialHints {
  const { apiKey, apiSecret, apiPassphrase } = options;
  const hidden = apiSecret !== undefined || apiPassphrase !== undefined ? '[redacted]' : undefined;
  return {
    apiKey: apiKey === undefined ? undefined : `${apiKey.slice(0, 4)}…`,
    apiSecret: hidden,
    apiPassphrase: hidden,
  };
}

/** A client's options without credentials, plus its clock offset and each connection's status (its `toJSON`). */
export function redactedView(
  s: ClientSettings,
  credentials: CredentialHints,
  clockOffsetMs: number,
  state: Readonly<Record<string, string>>,
): Record<string, unknown> {
  return {
    wsBaseUrl: s.wsBaseUrl,
    testnet: s.testnet,
    apiKey: credentials.apiKey,
    apiSecret: credentials.apiSecret,
    apiPassphrase: credentials.apiPassphrase,
    attachEventListeners: s.attachEventListeners,
    requestTimeoutMs: s.requestTimeoutMs,
    handshakeTimeoutMs: s.handshakeTimeoutMs,
    reconnect: s.reconnect,
    rateLimitGate: s.rateLimitGate,
    maxBufferedBytes: s.maxBufferedBytes,
    restBaseUrl: s.restBaseUrl,
    futuresRestBaseUrl: s.futuresRestBaseUrl,
    restTimeoutMs: s.restTimeoutMs,
    reconcile: s.reconcile,
    reconcileGraceMs: s.reconcileGraceMs,
    orderUpdates: s.orderUpdates,
    clockOffsetMs,
    state,
  };
}

/** What util.inspect (and so console.log) prints: `Name {…}` of the redacted view. */
export function inspectView(
  name: string,
  view: unknown,
  options: unknown,
  inspect: ((value: unknown, options: unknown) => string) | undefined,
): string {
  return `${name} ${typeof inspect === 'function' ? inspect(view, options) : JSON.stringify(view)}`;
}
