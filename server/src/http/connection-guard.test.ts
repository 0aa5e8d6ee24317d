import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionGuard } from './connection-guard.js';

/** Resolves when `probe` holds, checking on every turn of the event loop (never a fixed sleep). */
async function until(probe: () => boolean): Promise<void> {
  while (!probe()) await new Promise((resolve) => setImmediate(resolve));
}

let server: http.Server | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** A server whose every request counts as signed in when it carries `Authorization`. */
async function guarded(limit: number): Promise<{ guard: ConnectionGuard; port: number }> {
  const guard = new ConnectionGuard({ headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, maxAnonymousConnectionsPerAddress: limit });
  server = http.createServer(ConnectionGuard.serverOptions(), (req, res) => {
    if (req.headers.authorization) guard.signedIn(req.socket);
    res.end('ok');
  });
  guard.attach(server);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { guard, port: (server.address() as AddressInfo).port };
}

/** Resolves once the server holds exactly `count` connections. */
async function serverSees(count: number): Promise<void> {
  for (;;) {
    const open = await new Promise<number>((resolve, reject) => server!.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    if (open === count) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function connect(port: number, localAddress: string): { socket: net.Socket; closed: Promise<void> } {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  socket.on('error', () => undefined);
  sockets.push(socket);
  return { socket, closed: new Promise((resolve) => socket.once('close', () => resolve())) };
}

describe('ConnectionGuard', () => {
  it('closes connections from an address past its cap of not-signed-in ones, not from others', async () => {
    const { guard, port } = await guarded(3);
    const held = [1, 2, 3].map(() => connect(port, '127.0.0.6'));
    await until(() => held.every((c) => !c.socket.connecting));
    const extra = [connect(port, '127.0.0.6'), connect(port, '127.0.0.6')];
    await Promise.all(extra.map((c) => c.closed));
    await until(() => guard.refused === 2);
    expect(held.every((c) => !c.socket.destroyed)).toBe(true);
    // Another address has a cap of its own.
    const other = connect(port, '127.0.0.7');
    await until(() => !other.socket.connecting);
    other.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => other.socket.bytesRead > 0);
    expect(guard.refused).toBe(2);
  });

  it('stops counting a connection once a request on it signs in, or once it closes', async () => {
    const { guard, port } = await guarded(2);
    const signedIn = connect(port, '127.0.0.8');
    signedIn.socket.write('GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n');
    await until(() => signedIn.socket.bytesRead > 0);
    const closing = connect(port, '127.0.0.8');
    await until(() => !closing.socket.connecting);
    closing.socket.destroy();
    await closing.closed;
    await serverSees(1);
    // Two places are free again: one signed in, one closed.
    const a = connect(port, '127.0.0.8');
    a.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => a.socket.bytesRead > 0 || a.socket.destroyed);
    const b = connect(port, '127.0.0.8');
    b.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => b.socket.bytesRead > 0 || b.socket.destroyed);
    expect([a.socket.bytesRead > 0, b.socket.bytesRead > 0]).toEqual([true, true]);
    const third = connect(port, '127.0.0.8');
    await third.closed;
    await until(() => guard.refused === 1);
  });
});
