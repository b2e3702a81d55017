// The HTTP listener beside the Kafka one (minikafka.http.listeners): the REST proxy (Confluent v2/v3
// shapes), /metrics (Prometheus), /livez and /readyz, and /openapi.json. Same process, same storage and
// group services as the Kafka handlers; a client's mistake is a 4xx with a JSON body, never a 5xx.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { BrokerState } from '../broker/state.js';
import type { ConnectionStats } from '../broker/connection.js';
import type { RestConsumersLogin } from '../broker/rest-consumers-listener.js';
import { HttpError, clip } from './errors.js';
import { HttpAccess, OPEN_PATHS, REALM, Unauthenticated, authenticate, authenticationRequired } from './auth.js';
import { ANONYMOUS } from '../security/principal.js';
import { ConfigError } from '../broker/config.js';
import { BrokerMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { ProduceService } from './produce-service.js';
import { Router } from './router.js';
import { sendJson } from './respond.js';
import { registerV2Produce } from './v2.js';
import { registerV2Consumers } from './v2-consumers.js';
import { registerV3 } from './v3.js';
import { registerConsoleApi } from './console-api.js';
import { CONSOLE_JS } from './console-app.js';
import { CONSOLE_CSP, CONSOLE_CSS, CONSOLE_HTML } from './console-page.js';

export interface HttpOptions {
  host: string;
  port: number;
  /** Largest request body accepted (streams: largest record). */
  bodyBytesMax: number;
  connections: () => ConnectionStats[];
  /**
   * Opens (once, on first call) the broker's loopback listener for REST consumer instances (SASL/PLAIN
   * with secrets minted here, so instances log in as their HTTP caller): its address and its users.
   */
  restConsumers: () => Promise<RestConsumersLogin>;
}

export interface RunningHttp {
  host: string;
  port: number;
  /** "http://host:port" */
  url: string;
  close(): Promise<void>;
}

export async function startHttp(broker: BrokerState, options: HttpOptions): Promise<RunningHttp> {
  const method = broker.config.string('minikafka.http.authentication.method').trim().toUpperCase();
  if (method !== 'AUTO' && method !== 'BASIC' && method !== 'NONE') throw new ConfigError(`minikafka.http.authentication.method: expected AUTO, BASIC or NONE, got '${clip(method, 40)}'`);
  const router = new Router();
  const produce = new ProduceService(broker);
  const metrics = new BrokerMetrics(broker, options.connections);
  const baseUrl = (req: IncomingMessage): string => `http://${req.headers.host ?? `${options.host}:${options.port}`}`;
  registerV3(router, { broker, produce, bodyBytesMax: options.bodyBytesMax, baseUrl });
  registerV2Produce(router, { broker, produce, bodyBytesMax: options.bodyBytesMax });
  const consumers = registerV2Consumers(router, { broker, kafka: options.restConsumers, bodyBytesMax: options.bodyBytesMax, baseUrl });
  router.add('GET', '/metrics', async (ctx) => {
    const text = await metrics.render();
    ctx.res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
  });
  router.add('GET', '/livez', (ctx) => sendJson(ctx.res, 200, { status: 'ok' }));
  router.add('GET', '/readyz', (ctx) => sendJson(ctx.res, broker.stopping ? 503 : 200, { status: broker.stopping ? 'stopping' : 'ready' }));
  router.add('GET', '/openapi.json', (ctx) => sendJson(ctx.res, 200, openApiDocument(broker.limits, authenticationRequired(broker))));
  registerConsoleApi(router, { broker, produce, metrics, bodyBytesMax: options.bodyBytesMax, startedAtMs: Date.now() });
  const asset = (path: string, contentType: string, body: string): void => {
    const bytes = Buffer.from(body, 'utf8');
    router.add('GET', path, (ctx) => {
      ctx.res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length, 'content-security-policy': CONSOLE_CSP, 'referrer-policy': 'no-referrer', 'cache-control': 'no-cache' }).end(bytes);
    });
  };
  asset('/', 'text/html; charset=utf-8', CONSOLE_HTML);
  asset('/console/app.js', 'text/javascript; charset=utf-8', CONSOLE_JS);
  asset('/console/app.css', 'text/css; charset=utf-8', CONSOLE_CSS);

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => void serve(router, broker, req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 44\r\n\r\n{"error_code":400,"message":"Bad request."}\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  broker.log.info({ host: addr.address, port: addr.port }, 'http listening');
  return {
    host: addr.address,
    port: addr.port,
    url: `http://${addr.address}:${addr.port}`,
    close: async () => {
      // Consumer instances leave their groups while the Kafka listener still serves them.
      await consumers.close();
      metrics.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

async function serve(router: Router, broker: BrokerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader('x-content-type-options', 'nosniff');
  let url: URL;
  try {
    // A request target such as "//[" is no URL: a 400, never an exception outside the handler.
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    sendJson(res, 400, { error_code: 400, message: 'Malformed request target.' });
    return;
  }
  const route = router.match(req.method ?? 'GET', url.pathname);
  try {
    const access = OPEN_PATHS.has(url.pathname) ? undefined : await authenticate(broker, req);
    if (route === undefined) throw new HttpError(404, 'Not found.', 404);
    if ('allow' in route) {
      res.setHeader('allow', route.allow.join(', ')); // RFC 9110: a 405 names the methods the resource has
      throw new HttpError(405, `Method ${clip(req.method ?? '', 20)} not allowed here.`, 405);
    }
    // Open paths never consult access: an anonymous one keeps RouteContext total.
    await route.handler({ req, res, params: route.params, query: url.searchParams, access: access ?? new HttpAccess(broker, ANONYMOUS, req.socket.remoteAddress ?? '') });
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof Unauthenticated) {
      // The body is not read: the connection closes after the answer.
      res.setHeader('www-authenticate', `Basic realm="${REALM}", charset="UTF-8"`);
      res.setHeader('connection', 'close');
      res.on('finish', () => req.destroy());
    }
    if (err instanceof HttpError) {
      // A refused upload is not read further: the connection closes once the answer is out.
      if (err.status === 413) {
        res.setHeader('connection', 'close');
        res.on('finish', () => req.destroy());
      }
      sendJson(res, err.status, { error_code: err.errorCode, message: err.message });
      return;
    }
    broker.log.error({ method: req.method, path: url.pathname.slice(0, 200), err }, 'http request failed');
    sendJson(res, 500, { error_code: 500, message: 'Internal server error.' });
  }
}
