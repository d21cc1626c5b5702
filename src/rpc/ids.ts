/** Makes the ids of the frames a client sends (requests, pings): unique per client, short, and cheap. */
export type FrameIdGenerator = () => string;

/**
 * Returns a generator of '1', '2', '3', … (after `prefix`). The gateway only asks for a
 * non-empty string that is unique among a session's open requests; a counter per client is
 * unique across reconnects too, so a late answer from an old session can never be mistaken
 * for a new request's.
 */
export function createIdGenerator(prefix = ''): FrameIdGenerator {
  let next = 0;
  return prefix === '' ? () => String(++next) : () => prefix + String(++next);
}
