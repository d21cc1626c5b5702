import type { WebSocket } from 'ws';

/** How long peers get to answer our close frame before their sockets are cut. */
const CLOSE_GRACE_MS = 100;

/**
 * Closes every socket with 1001 and resolves once all are closed: peers that do not answer
 * the close frame within a short grace are terminated, so a stalled peer never holds it up.
 */
export async function closeSockets(sockets: Iterable<WebSocket>): Promise<void> {
  const open = [...sockets];
  const closed = open.map(
    (socket) =>
      new Promise<void>((resolve) => {
        if (socket.readyState === socket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close(1001, 'simulator closing');
      }),
  );
  if (closed.length === 0) return;
  let grace: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(closed),
    new Promise<void>((r) => (grace = setTimeout(r, CLOSE_GRACE_MS))),
  ]);
  clearTimeout(grace);
  for (const socket of sockets) socket.terminate(); // live: also any that arrived meanwhile
  await Promise.all(closed);
}
