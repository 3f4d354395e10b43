/**
 * `dts entity list|show|delete`: durable entities of one task hub through the dashboard API. An
 * entity is named `@name@key` (`--id`), or by `--name` and `--key`. Deleting sends the entity the
 * `delete` operation, as the SDKs' entities implement it: a worker applies it.
 */
import { compact } from '../lib/compact.ts';
import { single, UsageError, type FlagValues } from './cli-args.ts';
import { enc, f, YES, type CommandSpec } from './control-commands.ts';
import { collectPages, decodePayload, TOP_DEFAULT, topFlag, topOf } from './data-plane-kit.ts';
import { TARGET_FLAGS, taskHubClient } from './taskhub-target.ts';

const ENTITY = [
  f('id', ['--id', '--instance-id'], 'the entity instance id, @name@key'),
  f('name', ['--name', '-n'], 'the entity name (with --key)'),
  f('key', ['--key'], 'the entity key (with --name)'),
];

const entityRow = (e: Record<string, unknown>) => ({ InstanceId: e['instanceId'], Name: e['name'], Key: e['key'], LastModifiedAt: e['lastModifiedAt'], Backlog: e['backlogQueueSize'], LockedBy: e['lockedBy'] });

export const ENTITY_COMMANDS: Readonly<Record<string, CommandSpec>> = {
  'entity list': {
    help: `List entities, by name order (--top, default ${TOP_DEFAULT}).`,
    flags: [
      f('name', ['--name', '-n'], 'only entities of this name'),
      f('prefix', ['--prefix'], 'only entities whose name starts with this'),
      topFlag('entities'),
      ...TARGET_FLAGS,
    ],
    run: async (v, c, sub) => {
      const hub = await taskHubClient(v, c, sub);
      const filter = compact({ name: single(v, 'name'), nameStartsWith: single(v, 'prefix') });
      return collectPages(topOf(v), async (pagination) => {
        const page = (await hub.call('POST', 'entities/query', { filter, pagination })) as { entities: unknown[]; continuationToken: string | null };
        return { items: page.entities, continuationToken: page.continuationToken };
      });
    },
    tableRow: entityRow,
  },
  'entity show': {
    help: 'Show an entity with its state.',
    flags: [...ENTITY, ...TARGET_FLAGS],
    run: async (v, c, sub) => {
      const entity = (await (await taskHubClient(v, c, sub)).call('GET', `entities/${enc(entityId(v))}`)) as Record<string, unknown>;
      return { ...entity, state: decodePayload(entity['state']) };
    },
    tableRow: entityRow,
  },
  'entity delete': {
    help: "Delete an entity: sends it the 'delete' operation, which a connected worker applies.",
    flags: [...ENTITY, YES, ...TARGET_FLAGS],
    run: async (v, c, sub) => {
      await (await taskHubClient(v, c, sub)).call('DELETE', `entities/${enc(entityId(v))}`);
      return undefined;
    },
    confirm: (v) => `Delete entity '${entityId(v)}' and its state?`,
  },
};

function entityId(v: FlagValues): string {
  const id = single(v, 'id');
  const name = single(v, 'name');
  const key = single(v, 'key');
  if (id !== undefined && name === undefined && key === undefined) return id;
  if (id === undefined && name !== undefined && key !== undefined) return `@${name.toLowerCase()}@${key}`;
  throw new UsageError('give --id @name@key, or --name and --key');
}
