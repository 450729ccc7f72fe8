import type { WebSocket } from 'ws';
import type { Metrics } from './metrics';

export type WebSocketMetrics = Pick<Metrics, 'wsConnections' | 'wsMessages'>;

/**
 * Counts one accepted socket in citybot_websocket_connections until it closes, and its frames in
 * citybot_websocket_messages_total. `send` is wrapped rather than counted at each call site: every
 * frame a socket sends goes through it, whichever code sends it.
 */
export function countWebSocket(ws: WebSocket, endpoint: 'directline' | 'console', metrics: WebSocketMetrics | undefined): void {
  if (!metrics) return;
  metrics.wsConnections.inc({ endpoint });
  ws.once('close', () => metrics.wsConnections.dec({ endpoint }));
  ws.on('message', () => metrics.wsMessages.inc({ endpoint, direction: 'in' }));
  const send = ws.send.bind(ws) as (...args: unknown[]) => void;
  ws.send = ((...args: unknown[]) => {
    metrics.wsMessages.inc({ endpoint, direction: 'out' });
    send(...args);
  }) as WebSocket['send'];
}
