import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';

export interface ReceivedCallback {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A merchant's callback endpoint: a real local HTTP server answering with scripted status codes. */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  /** Status codes for the next requests, in order; 200 once used up. */
  readonly script: number[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = this.script.shift() ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Requests whose body reports this payment. */
  for(paymentId: string): ReceivedCallback[] {
    return this.received.filter((r) => JSON.parse(r.body).payment_id === paymentId);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Polls until `probe` returns a truthy value (async work such as queue processing), or fails. */
export async function waitFor<T>(probe: () => Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
