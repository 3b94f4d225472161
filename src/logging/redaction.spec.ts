import pino from 'pino';
import { Writable } from 'node:stream';
import { redactionOptions } from './redaction';

/** A logger configured as LogSinks' (redaction included), writing to an array of parsed lines. */
function capture(): { logger: pino.Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info', ...redactionOptions() }, stream), lines };
}

describe('log redaction', () => {
  it('censors secret fields at the top level, one level down and in request headers', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        secret: 's3cret',
        qrString: '000201010212',
        provider: { apiKey: 'key-123', api_key: 'key-456', name: 'xendit' },
        callback: { signature: 'cb-sig-777', qris_payload: '0002', url: 'https://m.example/cb' },
        req: { headers: { authorization: 'Bearer t', 'x-signature': 'sig-value-9', 'x-callback-token': 'tok-888', cookie: 'c=1', host: 'h' } },
        paymentId: 'p-1',
      },
      'line',
    );
    const [line] = lines;
    expect(line).toMatchObject({
      secret: '[redacted]',
      qrString: '[redacted]',
      provider: { apiKey: '[redacted]', api_key: '[redacted]', name: 'xendit' },
      callback: { signature: '[redacted]', qris_payload: '[redacted]', url: 'https://m.example/cb' },
      req: { headers: { authorization: '[redacted]', 'x-signature': '[redacted]', 'x-callback-token': '[redacted]', cookie: '[redacted]', host: 'h' } },
      paymentId: 'p-1',
      msg: 'line',
    });
    for (const value of ['s3cret', '000201010212', 'key-123', 'key-456', 'cb-sig-777', 'Bearer t', 'sig-value-9', 'tok-888']) {
      expect(JSON.stringify(line)).not.toContain(value);
    }
  });

  it("leaves the caller's objects as they were, and a line with nothing secret as it is", () => {
    const { logger, lines } = capture();
    const provider = { apiKey: 'key-123', name: 'xendit' };
    logger.info({ provider }, 'first');
    logger.info({ webhookEventId: 'e-1', paymentId: 'p-1', to: 'PAID', nested: { ok: true } }, 'second');
    expect(provider).toEqual({ apiKey: 'key-123', name: 'xendit' });
    expect(lines[0].provider).toEqual({ apiKey: '[redacted]', name: 'xendit' });
    expect(lines[1]).toMatchObject({ webhookEventId: 'e-1', paymentId: 'p-1', to: 'PAID', nested: { ok: true }, msg: 'second' });
  });
});
