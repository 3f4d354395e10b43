import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createDurableTaskClient, type Logger } from './index.ts';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, error: () => {}, warn: (message: string) => warnings.push(message), info: () => {}, debug: () => {} };
}

async function warningsFor(connectionString: string): Promise<string[]> {
  const logger = recordingLogger();
  const client = await createDurableTaskClient({ connectionString, logger });
  await client.stop();
  return logger.warnings;
}

it('warns through the given logger when a token would go to an http:// endpoint', async () => {
  const [warning, ...more] = await warningsFor('Endpoint=http://127.0.0.1:1;Authentication=ManagedIdentity;TaskHub=x');
  assert.match(warning ?? '', /Authentication=ManagedIdentity sends a token, which needs TLS, but the Endpoint is http:\/\/127\.0\.0\.1:1/);
  assert.deepEqual(more, []);
  assert.deepEqual(await warningsFor('Endpoint=https://127.0.0.1:1;Authentication=ManagedIdentity;TaskHub=x'), []);
  assert.deepEqual(await warningsFor('Endpoint=http://127.0.0.1:1;Authentication=None;TaskHub=x'), []);
});
