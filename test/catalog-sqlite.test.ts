/** Runs the catalog conformance suite against SQLite in memory and on a file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteBackend } from '../src/store/sqlite/sqlite-store.ts';
import { describeCatalogConformance, type OpenCatalog } from './catalog-conformance/suite.ts';
import { sqliteOptions } from './support/store-options.ts';

const dir = mkdtempSync(join(tmpdir(), 'dts-catalog-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function openAt(path: string): Promise<OpenCatalog> {
  let backend = openSqliteBackend(sqliteOptions(path));
  await backend.store.migrate();
  const opened: OpenCatalog = {
    catalog: backend.catalog,
    close: () => backend.store.close(),
  };
  if (path !== ':memory:') {
    opened.reopen = async () => {
      await backend.store.close();
      backend = openSqliteBackend(sqliteOptions(path));
      await backend.store.migrate();
      opened.catalog = backend.catalog;
      return backend.catalog;
    };
  }
  return opened;
}

describeCatalogConformance({
  name: 'sqlite (memory)',
  open: () => openAt(':memory:'),
  skip: { 'entries survive closing and reopening the database': 'an in-memory database ends with its connection' },
});

describeCatalogConformance({ name: 'sqlite (file)', open: () => openAt(join(dir, `catalog-${++files}.db`)) });
