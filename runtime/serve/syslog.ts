// Syslog receivers: TCP (optionally TLS) with RFC 6587 framing, and UDP (one message per
// datagram). Every message goes to the spool; framing problems are counted, never fatal.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { decodeMessage, SyslogFramer, type Incoming } from './framing.ts';

export interface Endpoint {
  host: string;
  port: number;
}

export interface SyslogSink {
  accept(source: string, lines: readonly Incoming[]): void;
  frameError(reason: string): void;
}

export interface TlsFiles {
  cert: string;
  key: string;
  /** CA bundle: when given, clients must present a certificate it signed */
  ca?: string;
}

export function parseEndpoint(v: string, defaultHost = '127.0.0.1'): Endpoint {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(v);
  if (!m || Number(m[2]) > 65535) throw new Error(`expected [HOST:]PORT, got "${v}"`);
  return { host: m[1] ? m[1].replace(/^\[|\]$/g, '') : defaultHost, port: Number(m[2]) };
}

export class TcpSyslog {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly sink: SyslogSink, private readonly name = 'tcp', private readonly tls?: TlsFiles, private readonly maxFrame?: number) {}

  async listen(at: Endpoint): Promise<Endpoint> {
    const onConnection = (socket: Socket) => {
      this.sockets.add(socket);
      const framer = new SyslogFramer(this.maxFrame);
      const deliver = (r: ReturnType<SyslogFramer['push']>) => {
        if (r.messages.length) this.sink.accept(this.name, r.messages);
        for (const e of r.errors) this.sink.frameError(e.reason);
      };
      socket.on('data', (chunk: Buffer) => deliver(framer.push(chunk)));
      socket.on('end', () => deliver(framer.end()));
      socket.on('error', () => undefined); // a reset by the peer is not our failure
      socket.on('close', () => this.sockets.delete(socket));
    };
    this.server = this.tls
      ? createTlsServer({ cert: readFileSync(this.tls.cert), key: readFileSync(this.tls.key), ...(this.tls.ca ? { ca: readFileSync(this.tls.ca), requestCert: true, rejectUnauthorized: true } : {}) }, onConnection)
      : createTcpServer(onConnection);
    const server = this.server;
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(at.port, at.host, () => resolve()); });
    const addr = server.address() as { address: string; port: number };
    return { host: addr.address, port: addr.port };
  }

  /** Stop accepting; let connected peers finish what is in flight, then close them. */
  async close(graceMs = 200): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise((r) => setTimeout(r, graceMs));
    for (const s of this.sockets) s.end();
    const forced = setTimeout(() => { for (const s of this.sockets) s.destroy(); }, 1000);
    await closed;
    clearTimeout(forced);
  }
}

export class UdpSyslog {
  private socket: UdpSocket | null = null;

  constructor(private readonly sink: SyslogSink, private readonly name = 'udp') {}

  async listen(at: Endpoint): Promise<Endpoint> {
    const socket = createSocket({ type: at.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 8 << 20 });
    this.socket = socket;
    socket.on('message', (msg: Buffer) => {
      const line = decodeMessage(msg);
      if (line.text === '') this.sink.frameError('empty-datagram');
      else this.sink.accept(this.name, [line]);
    });
    await new Promise<void>((resolve, reject) => { socket.once('error', reject); socket.bind(at.port, at.host, () => resolve()); });
    const addr = socket.address();
    return { host: addr.address, port: addr.port };
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
