import type http from 'node:http';
import type { Socket } from 'node:net';

export interface HttpLimits {
  /** The request's headers must arrive within this (server.headersTimeout). */
  headersTimeoutMs: number;
  /** The whole request, headers and body, must arrive within this (server.requestTimeout). */
  requestTimeoutMs: number;
  /** Connections from one address that have not yet carried a signed-in request; 0: no cap. */
  maxAnonymousConnectionsPerAddress: number;
}

/**
 * Keeps slow or idle clients that never sign in from holding the server's sockets:
 * - short header and request timeouts, checked every second (Node checks every 30 s
 *   by default, which lets a trickled body outlive its timeout by that much);
 * - a cap on the connections per address that have not yet carried a request with a
 *   valid credential: one more is closed at once, before a byte is read. A connection
 *   leaves the count when a request on it signs in, or when it closes.
 * Without the cap, 21,000 trickling connections filled the process's file descriptors
 * and even /healthz stopped answering.
 */
export class ConnectionGuard {
  private readonly anonymous = new Map<string, number>();
  private readonly counted = new Map<Socket, string>();
  /** Connections closed at once because their address had too many. */
  refused = 0;

  constructor(private readonly limits: HttpLimits) {}

  /** Options for http.createServer: how often the timeouts are checked. */
  static serverOptions(): http.ServerOptions {
    return { connectionsCheckingInterval: 1000 };
  }

  /** Sets the server's timeouts and starts counting its connections. */
  attach(server: http.Server): void {
    server.headersTimeout = this.limits.headersTimeoutMs;
    server.requestTimeout = this.limits.requestTimeoutMs;
    if (this.limits.maxAnonymousConnectionsPerAddress > 0) server.prependListener('connection', (socket: Socket) => this.admit(socket));
  }

  /** A request on this connection signed in: it no longer counts against its address. */
  signedIn(socket: Socket): void {
    const address = this.counted.get(socket);
    if (address === undefined) return;
    this.counted.delete(socket);
    this.uncount(address);
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const count = this.anonymous.get(address) ?? 0;
    if (count >= this.limits.maxAnonymousConnectionsPerAddress) {
      this.refused++;
      socket.destroy();
      return;
    }
    this.anonymous.set(address, count + 1);
    this.counted.set(socket, address);
    socket.once('close', () => this.signedIn(socket));
  }

  private uncount(address: string): void {
    const remaining = (this.anonymous.get(address) ?? 1) - 1;
    if (remaining <= 0) this.anonymous.delete(address);
    else this.anonymous.set(address, remaining);
  }
}
