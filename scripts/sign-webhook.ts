/**
 * Signs a mock-provider webhook body for manual testing:
 *   npm run sign-webhook -- '{"trx_id":"QRIS…","order_id":"INV-1","amount":150000,"status":"SUCCESS","ref_no":"R1"}'
 * Prints the X-Signature, X-Timestamp and X-Event-Id headers and a ready-to-paste curl. The secret is
 * PROVIDER_WEBHOOK_SECRET from the environment or .env (default dev-webhook-secret); --event-id ID
 * reuses an id (to see the duplicate handling).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { DEV_WEBHOOK_SECRET } from '../src/config/env';
import { mockWebhookHeaders } from '../src/providers/mock/mock.webhook';

function main(argv: string[]): number {
  const args = [...argv];
  const flag = args.indexOf('--event-id');
  const eventId = flag >= 0 ? args.splice(flag, 2)[1] : `evt_${randomUUID()}`;
  const body = args[0];
  if (!body || !eventId) {
    process.stderr.write("usage: npm run sign-webhook -- '<json body>' [--event-id ID]\n");
    return 2;
  }
  try {
    JSON.parse(body);
  } catch {
    process.stderr.write('the body is not valid JSON (it is signed byte for byte, so pass it exactly as it will be sent)\n');
    return 2;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const secret = process.env.PROVIDER_WEBHOOK_SECRET?.trim() || DEV_WEBHOOK_SECRET;
  const port = process.env.PORT?.trim() || '9000';
  const headers = mockWebhookHeaders(secret, body, eventId, Math.floor(Date.now() / 1000));
  const signature = headers['x-signature'];
  const timestamp = headers['x-timestamp'];
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

  process.stdout.write(
    [
      `X-Signature: ${signature}`,
      `X-Timestamp: ${timestamp}`,
      `X-Event-Id: ${eventId}`,
      '',
      `curl -i -X POST http://localhost:${port}/webhooks/qris \\`,
      `  -H 'Content-Type: application/json' \\`,
      `  -H 'X-Signature: ${signature}' \\`,
      `  -H 'X-Timestamp: ${timestamp}' \\`,
      `  -H ${quote(`X-Event-Id: ${eventId}`)} \\`,
      `  --data-raw ${quote(body)}`,
      '',
    ].join('\n'),
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
