/** Serves a prom-client registry at /metrics on its own port (the worker has no HTTP server otherwise). */
import http from 'node:http';
import type { Registry } from 'prom-client';
import { ConfigError } from '../config';

export async function serveMetrics(registry: Registry, port: number, host = '0.0.0.0'): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    try {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType }).end(body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new ConfigError(`BOSUN_METRICS_PORT=${port}: the port is in use; choose another`) : err),
    );
    server.listen(port, host, resolve);
  });
  const { port: actual } = server.address() as { port: number };
  return { url: `http://localhost:${actual}/metrics`, close: () => new Promise((r) => server.close(() => r())) };
}
