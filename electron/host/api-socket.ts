// The API over WebSocket at /api: authorises the upgrade, answers request frames through the
// generic channel's dispatcher, and broadcasts the service's events to every connected client.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { API_EVENT_NAMES } from '../../shared/api/contract';
import type { Unsubscribe } from '../../shared/api/contract';
import type { EventMessage } from '../../shared/api/wire';
import type { HostService } from './host-service';
import { createRpcDispatcher } from './rpc-dispatch';

interface ApiSocketOptions {
  service: HostService;
  /** Largest accepted frame (bytes); larger ones close the connection with 1009. */
  maxMessageBytes: number;
  /** A client whose unsent backlog exceeds this (bytes) is dropped; it reconnects and refetches. */
  maxBufferedBytes: number;
  /** Requests one client may have running at once; further frames wait unread (TCP backpressure). */
  maxInFlightPerClient: number;
  /** Seconds between pings; a client that misses one is dropped. */
  heartbeatSeconds: number;
  onInternalError(method: string, error: unknown): void;
}

interface ApiSocketServer {
  /** Completes an already authorised upgrade to a WebSocket. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  clientCount(): number;
  /** Closes every connection with 1001 (going away) and stops broadcasting. */
  close(): Promise<void>;
}

export function createApiSocketServer(options: ApiSocketOptions): ApiSocketServer {
  const server = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
  const alive = new WeakSet<WebSocket>();

  const unsubscribes: Unsubscribe[] = API_EVENT_NAMES.map((event) =>
    options.service.on(event, (payload) => {
      const message: EventMessage = { type: 'event', event, payload };
      broadcast(JSON.stringify(message));
    }),
  );

  function broadcast(text: string): void {
    for (const client of server.clients) send(client, text);
  }

  function send(client: WebSocket, text: string): void {
    if (client.readyState !== client.OPEN) return;
    if (client.bufferedAmount > options.maxBufferedBytes) {
      client.terminate(); // Memory stays bounded; the client's reconnect refetches what it missed.
      return;
    }
    client.send(text);
  }

  server.on('connection', (client: WebSocket) => {
    alive.add(client);
    let inFlight = 0;
    // Frames already read when the limit is hit wait here; pausing the socket stops further reads,
    // so this queue holds at most what one read delivered.
    const waiting: string[] = [];
    const dispatch = createRpcDispatcher(options.service, (text) => send(client, text), { onInternalError: options.onInternalError });
    const run = (text: string) => {
      inFlight += 1;
      void dispatch(text).then((violation) => {
        inFlight -= 1;
        if (violation !== null) client.close(1008, `protocol violation: ${violation}`);
        const next = waiting.shift();
        if (next !== undefined) run(next);
        else if (client.isPaused) client.resume();
      });
    };
    client.on('pong', () => alive.add(client));
    client.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        client.close(1003, 'binary frames are not supported');
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      if (inFlight < options.maxInFlightPerClient) {
        run(text);
        return;
      }
      waiting.push(text);
      if (!client.isPaused) client.pause();
    });
    client.on('error', () => client.terminate());
    // The client has already given up on calls it had not got answers to; skip those not yet started.
    client.on('close', () => {
      waiting.length = 0;
    });
  });

  const heartbeat = setInterval(() => {
    for (const client of server.clients) {
      // A paused client is busy (its pongs wait unread behind its own requests), not dead.
      if (!alive.has(client) && !client.isPaused) {
        client.terminate();
        continue;
      }
      alive.delete(client);
      client.ping();
    }
  }, options.heartbeatSeconds * 1000);
  heartbeat.unref();

  return {
    accept(request, socket, head) {
      server.handleUpgrade(request, socket, head, (client) => server.emit('connection', client, request));
    },
    clientCount: () => server.clients.size,
    close() {
      clearInterval(heartbeat);
      for (const unsubscribe of unsubscribes) unsubscribe();
      for (const client of server.clients) client.close(1001, 'host shutting down');
      return new Promise((resolve) => {
        // Clients that do not finish the closing handshake promptly are cut off.
        const cutoff = setTimeout(() => {
          for (const client of server.clients) client.terminate();
        }, 1000);
        server.close(() => {
          clearTimeout(cutoff);
          resolve();
        });
      });
    },
  };
}
