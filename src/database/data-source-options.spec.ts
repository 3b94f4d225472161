import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';

interface SqliteHandle {
  pragma(sql: string, options: { simple: true }): unknown;
}

describe('SQLite connection settings', () => {
  let dir: string;
  let dataSource: DataSource;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qris-pragmas-'));
  });
  afterEach(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(sqliteSynchronous: 'NORMAL' | 'FULL'): Promise<SqliteHandle> {
    dataSource = new DataSource(buildDataSourceOptions({ url: `sqlite:${join(dir, 'db.sqlite')}`, migrationsRun: false, sqliteSynchronous }));
    await dataSource.initialize();
    return (dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
  }

  it.each([
    ['NORMAL', 1],
    ['FULL', 2],
  ] as const)('applies SQLITE_SYNCHRONOUS=%s in WAL mode', async (setting, code) => {
    const handle = await open(setting);
    expect(String(handle.pragma('journal_mode', { simple: true })).toLowerCase()).toBe('wal');
    expect(handle.pragma('synchronous', { simple: true })).toBe(code);
  });

  it('keeps savepoint sub-journals and temp tables in memory (temp_store = MEMORY)', async () => {
    const handle = await open('NORMAL');
    expect(handle.pragma('temp_store', { simple: true })).toBe(2);
  });
});
