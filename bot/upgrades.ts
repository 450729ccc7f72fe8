import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers a WebSocket upgrade with a plain HTTP error and closes the socket. A JSON body (an object) is
 * sent as application/json, a string as text/plain.
 */
export function refuseUpgrade(socket: Duplex, status: number, body: string | object): void {
  if (socket.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: ${type}\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

/**
 * The path and query of an upgrade request, or undefined when its target is not a URL path at all:
 * `new URL` throws on targets such as `//[`, and a throw inside an 'upgrade' listener is an uncaught
 * exception that would end the process.
 */
export function upgradeUrl(req: IncomingMessage): URL | undefined {
  return URL.canParse(req.url ?? '/', 'http://localhost') ? new URL(req.url ?? '/', 'http://localhost') : undefined;
}

/**
 * The last upgrade listener: an upgrade to a path no WebSocket server serves gets 404. Node leaves an
 * upgrade that no listener answers open until the client gives up, one idle socket per attempt.
 * `served` says whether a path belongs to one of the app's socket servers (which answer it themselves).
 */
export function refuseUnservedUpgrades(server: Server, served: (pathname: string) => boolean): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const url = upgradeUrl(req);
    if (url && served(url.pathname)) return;
    socket.on('error', () => socket.destroy());
    refuseUpgrade(socket, 404, 'no WebSocket here');
  });
}
