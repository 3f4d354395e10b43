/**
 * The end-to-end scenarios of `@microsoft/durabletask-js` on PostgreSQL: the basic shapes
 * (sequence, fan-out, sub-orchestrations, timers, payloads) and the control scenarios (events,
 * terminate, suspend, continue-as-new), run unchanged from their own files against a server
 * started with `--store postgres://...` over a database this process creates.
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
