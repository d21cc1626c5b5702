import { ConfigurationError } from '../errors';

/**
 * A REST base URL as the client uses it: http(s), no credentials, query or fragment, without
 * a trailing slash (a path prefix, e.g. a proxy's, is kept). Anything else is a
 * ConfigurationError at construction. The value is not quoted in the error: a URL with
 * credentials in it would put them in a log.
 */
export function restBaseUrl(option: string, value: unknown): string {
  const refuse = (why: string): ConfigurationError =>
    new ConfigurationError(`WebsocketAPIClient option ${option} ${why}`);
  if (typeof value !== 'string') throw refuse('must be a string such as "https://api.kucoin.com"');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse('is not a valid URL (expected e.g. "https://api.kucoin.com")');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('must be an http: or https: URL');
  if (url.username !== '' || url.password !== '') throw refuse('must not carry credentials');
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#'))
    throw refuse('must not have a query or fragment');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * The REST base of a simulator given by its WebSocket URL (it serves REST on the same port):
 * 'ws://127.0.0.1:8080/…' → 'http://127.0.0.1:8080'. Undefined when the URL does not parse.
 */
export function restBaseOfWsUrl(wsUrl: string): string | undefined {
  try {
    const url = new URL(wsUrl);
    const scheme = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : undefined;
    return scheme === undefined ? undefined : `${scheme}//${url.host}`;
  } catch {
    return undefined;
  }
}
