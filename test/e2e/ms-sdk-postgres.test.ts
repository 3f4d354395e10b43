/**
 * The `@microsoft/durabletask-js` end-to-end files beyond the SDK catalogue (instance state,
 * continue-as-new under steady events) on PostgreSQL, run unchanged from their own files
 * against a server started with `--store postgres://...` over a database this process creates.
 * The catalogue itself runs on PostgreSQL in test/sdk/js-ms-postgres.test.ts.
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import { after } from 'node:test';
import { PostgresServer } from '../support/postgres-server.ts';
import { setDefaultServerArgs } from '../support/server-process.ts';

const postgres = await PostgresServer.start();
after(() => postgres.dispose());
setDefaultServerArgs(async () => ['--store', await postgres.createDatabase('e2e')]);

await import('./ms-sdk-basics.test.ts');
await import('./ms-sdk-control.test.ts');
