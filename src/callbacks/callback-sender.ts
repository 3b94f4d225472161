import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { DestinationRefusedError, guardedLookup, isPublicAddress } from './ssrf-guard';

export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface SendOptions {
  timeoutMs: number;
  allowPrivateNetworks: boolean;
}

export interface SendResult {
  delivered: boolean;
  statusCode: number | null;
  /** Why it failed, without the response body; null when delivered. */
  error: string | null;
  durationMs: number;
}

/**
 * One POST to a merchant's callback_url. Only a 2xx counts; redirects are not followed (a 3xx fails);
 * the whole exchange is bounded by timeoutMs and at most 64 KiB of the answer is read. The destination
 * is checked at connect time (see guardedLookup), not only when the URL was stored.
 */
export function sendCallback(url: string, body: string, headers: Record<string, string>, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const finish = (statusCode: number | null, error: string | null): SendResult => ({
    delivered: error === null,
    statusCode,
    error,
    durationMs: Math.round(performance.now() - started),
  });

  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(finish(null, 'callback_url is not a valid URL'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.resolve(finish(null, 'callback_url must be http or https'));
  if (target.username || target.password) return Promise.resolve(finish(null, 'callback_url must not carry credentials'));
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // An IP literal never goes through lookup, so it is checked here.
  if (!options.allowPrivateNetworks && isIP(host) !== 0 && !isPublicAddress(host)) {
    return Promise.resolve(finish(null, `refused: ${host} is not a public address`));
  }

  return new Promise((resolve) => {
    let settled = false;
    const done = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(finish(statusCode, error));
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      ...(options.allowPrivateNetworks ? {} : { lookup: guardedLookup as never }),
    });
    const timer = setTimeout(() => {
      done(null, `timeout after ${options.timeoutMs} ms`);
      req.destroy();
    }, options.timeoutMs);

    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      let received = 0;
      const conclude = () => {
        if (status >= 200 && status < 300) done(status, null);
        else if (status >= 300 && status < 400) done(status, `HTTP ${status}: redirects are not followed`);
        else done(status, `HTTP ${status}`);
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= MAX_RESPONSE_BYTES) conclude();
      });
      res.on('end', conclude);
      res.on('error', conclude);
      res.on('close', conclude);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof DestinationRefusedError) done(null, `refused: ${error.message}`);
      else done(null, `${error.code ?? 'ERROR'}: ${error.message}`.slice(0, 500));
    });
    req.end(body);
  });
}
