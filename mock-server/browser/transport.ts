import { WebSocket as WebSocketTransport } from 'socket.io-client';

/**
 * socket.io-client's WebSocket transport, creating its socket with the
 * `WebSocket` global of the moment instead of the one engine.io-client
 * captured when it loaded. MSW intercepts WebSockets by replacing that
 * global when it starts; with this transport the client may load first
 * (as it does in any app: imported at the top, long before a worker starts).
 */
export class InPageWebSocketTransport extends WebSocketTransport {
  override createSocket(uri: string, protocols: string | string[] | undefined): globalThis.WebSocket {
    return protocols ? new globalThis.WebSocket(uri, protocols) : new globalThis.WebSocket(uri);
  }
}
