import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, startApp } from './support/app-harness';
import { testDatabases } from './support/databases';

/** docs/openapi.json is committed for readers and tools; it must be what the code serves (npm run openapi). */
describe('the committed OpenAPI document', () => {
  it('equals the document the app serves at /docs/json', async () => {
    const [, makeDatabase] = testDatabases()[0];
    const database = await makeDatabase();
    const running = await startApp({ ...database.appEnv });
    try {
      const served = await http(running.baseUrl, 'GET', '/docs/json');
      expect(served.status).toBe(200);
      const committed = JSON.parse(readFileSync(join(__dirname, '..', 'docs', 'openapi.json'), 'utf8'));
      expect(committed).toEqual(served.body);
    } finally {
      await running.close();
      await database.drop();
    }
  });
});
