import { Foreground } from '../../src/app/foreground.ts';
import { HttpServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/app/logger.ts';

// A sweep takes smaller steps while a person waits for an answer. A load balancer polling /healthz every few
// seconds is nobody waiting: counted, it would keep the sweep small for ever.
describe('what counts as a person waiting', () => {
  it('health and metrics probes do not; any other request does', async () => {
    const foreground = new Foreground();
    const server = new HttpServer(createLogger('silent'), async () => ({ ok: true, detail: 'fine' }), { foreground });
    server.route('/metrics', (_req, res) => { res.end('m 1\n'); });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      for (const p of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`http://127.0.0.1:${port}${p}`)).status).toBe(200);
      expect(foreground.requestsWaiting()).toBe(false);
      expect((await fetch(`http://127.0.0.1:${port}/slack/events`)).status).toBe(404);
      expect(foreground.requestsWaiting()).toBe(true);
    } finally {
      await server.close();
    }
  });
});
