import { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the fake received, exactly as sent (path includes the query string). */
export interface RecordedRequest {
  method: string;
  path: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

/** A canned answer: status (default 200), JSON body, extra headers; `hang` never answers (timeout tests). */
export interface FakeResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  hang?: boolean;
}

export type FakeHandler = FakeResponse | ((request: RecordedRequest) => FakeResponse);

interface Route {
  method: string;
  path: string | RegExp;
  handler: FakeHandler;
  once: boolean;
}

/**
 * A local stand-in for a provider's HTTP API, for unit and e2e tests: listens on 127.0.0.1 on a random
 * port, records every request and answers from canned routes (later routes win, `once` routes are
 * used up first). Unrouted requests get 404 so a wrong path shows up as a test failure.
 */
export class FakeProviderServer {
  readonly requests: RecordedRequest[] = [];
  private routes: Route[] = [];
  private server: Server | null = null;
  private baseUrl = '';

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  get url(): string {
    if (!this.server) throw new Error('FakeProviderServer is not started');
    return this.baseUrl;
  }

  /** Answers `method path` (exact path without query, or a RegExp over the path with query) until replaced. */
  on(method: string, path: string | RegExp, handler: FakeHandler): this {
    this.routes.push({ method: method.toUpperCase(), path, handler, once: false });
    return this;
  }

  /** Like `on`, for the next matching request only. */
  once(method: string, path: string | RegExp, handler: FakeHandler): this {
    this.routes.push({ method: method.toUpperCase(), path, handler, once: true });
    return this;
  }

  /** Forgets routes and recorded requests. */
  reset(): void {
    this.routes = [];
    this.requests.length = 0;
  }

  /** Recorded requests to one method and path (without query). */
  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method.toUpperCase() && r.url.pathname === path);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const url = new URL(req.url ?? '/', this.baseUrl || 'http://127.0.0.1');
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', url, headers: req.headers, body, json };
    this.requests.push(recorded);

    const route = this.match(recorded);
    const answer: FakeResponse = route
      ? typeof route.handler === 'function'
        ? route.handler(recorded)
        : route.handler
      : { status: 404, body: { error: 'no fake route', method: recorded.method, path: recorded.path } };
    if (answer.hang) return; // never answered; stop() destroys the socket
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
    res.end(text);
  }

  private match(request: RecordedRequest): Route | undefined {
    const candidates = this.routes.filter(
      (r) =>
        r.method === request.method &&
        (typeof r.path === 'string' ? r.path === request.url.pathname : r.path.test(request.path)),
    );
    const once = candidates.find((r) => r.once);
    if (once) {
      this.routes.splice(this.routes.indexOf(once), 1);
      return once;
    }
    return candidates[candidates.length - 1];
  }
}
