import { makeNodeWebSocket, type WebSocketFactory } from '../../src/transport/websocket';

/**
 * A `makeWebSocket` for the client that notes in `times` when it writes each ping
 * (performance.now()). Ping timing is measured at the write, not where the gateway reads:
 * a process stalled right after a write (a loaded machine, a GC pause) makes the gateway read
 * that ping late, which brings it closer to the next one.
 */
export function notingPingWrites(times: number[]): WebSocketFactory {
  return (url, protocols) => {
    const socket = makeNodeWebSocket(url, protocols);
    const send = socket.send.bind(socket);
    socket.send = (data) => {
      if (typeof data === 'string' && data.includes('"op":"ping"')) times.push(performance.now());
      send(data);
    };
    return socket;
  };
}
