/** Runs the catalog conformance suite against PostgreSQL (a server this process starts, one database per catalog). */
import { after, before } from 'node:test';
import { openPostgresBackend } from '../src/store/postgres/postgres-store.ts';
import { describeCatalogConformance, type OpenCatalog } from './catalog-conformance/suite.ts';
import { PostgresServer } from './support/postgres-server.ts';
import { postgresOptions } from './support/store-options.ts';

let server: PostgresServer | undefined;
before(async () => {
  server = await PostgresServer.start();
});
after(async () => {
  await server?.dispose();
});

async function openAt(url: string): Promise<OpenCatalog> {
  let backend = openPostgresBackend(postgresOptions(url, { safetyPollMs: 0, connectionsMax: 3 }));
  await backend.store.migrate();
  const opened: OpenCatalog = {
    catalog: backend.catalog,
    close: () => backend.store.close(),
    reopen: async () => {
      await backend.store.close();
      backend = openPostgresBackend(postgresOptions(url, { safetyPollMs: 0, connectionsMax: 3 }));
      await backend.store.migrate();
      opened.catalog = backend.catalog;
      return backend.catalog;
    },
  };
  return opened;
}

describeCatalogConformance({
  name: 'postgres',
  open: async () => {
    if (server === undefined) throw new Error('PostgreSQL did not start');
    return openAt(await server.createDatabase('catalog'));
  },
});
