import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app';
import { validateEnv } from '../src/config/env';
import { buildOpenApiDocument } from '../src/openapi/openapi';

/** npm run openapi: writes docs/openapi.json from the code (the app is built, never listens). */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qris-openapi-'));
  try {
    const env = validateEnv({ DB_URL: `sqlite:${join(dir, 'openapi.sqlite')}`, LOG_LEVEL: 'silent' });
    const app = await createApp(env);
    const document = buildOpenApiDocument(app);
    await app.close();
    const target = join(__dirname, '..', 'docs', 'openapi.json');
    writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
    process.stdout.write(`wrote ${target} (${Object.keys(document.paths).length} paths)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
