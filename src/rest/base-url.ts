import { ConfigurationError } from '../errors';

/**
 * A base URL as the client uses it: one of `schemes`, no credentials, query or fragment,
 * without a trailing slash (a path prefix, e.g. a proxy's, is kept). Anything else is a
 * ConfigurationError at construction. The value is not quoted in the error: a URL with
 * credentials in it would put them in a log.
 */
function baseUrl(
  option: string,
  value: unknown,
  schemes: readonly [string, string],
  example: string,
): string {
  const refuse = (why: string): ConfigurationError =>
    new ConfigurationError(`WebsocketAPIClient option ${option} ${why}`);
  if (typeof value !== 'string') throw refuse(`must be a string such as "${example}"`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse(`is not a valid URL (expected e.g. "${example}")`);
  }
  if (!schemes.includes(url.protocol)) throw refuse(`must be a URL of scheme ${schemes.join(' or ')}`);
  if (url.username !== '' || url.password !== '') throw refuse('must not carry credentials');
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#'))
    throw refuse('must not have a query or fragment');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** A REST base URL (`restBaseUrl`, `futuresRestBaseUrl`): http(s), see baseUrl. */
export function restBaseUrl(option: string, value: unknown): string {
  return baseUrl(option, value, ['http:', 'https:'], 'https://api.kucoin.com');
}

/**
 * The WS API base URL (`wsBaseUrl`): ws(s), see baseUrl. A query would be glued before the
 * path the client appends (`…/?x=1/v1/private?apikey=…`), and credentials would be shown by
 * toJSON() and util.inspect().
 */
export function wsBaseUrl(option: string, value: unknown): string {
  return baseUrl(option, value, ['ws:', 'wss:'], 'wss://wsapi.kucoin.com');
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
