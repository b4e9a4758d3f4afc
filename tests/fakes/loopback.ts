import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fake platform server on 127.0.0.1: reads each request's body, then lets the subclass answer. */
export abstract class LoopbackServer {
  private readonly server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += String(c); });
    req.on('end', () => this.handle(req, raw, res));
  });
  url = '';
  /** Appended to the base URL (the Bot Connector's service URL ends in a slash). */
  protected readonly urlSuffix: string = '';

  protected abstract handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void;

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.urlSuffix}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
