/**
 * The catalog conformance suite: one list of tests every `CatalogStore` backend must pass
 * (SQLite now, PostgreSQL later), in the shape of the store conformance suite. It uses the
 * contract only. A skipped test names itself and gives its reason.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isServerError, type ErrorCode } from '../../src/domain/errors.ts';
import type { CatalogStore } from '../../src/store/catalog.ts';

export interface OpenCatalog {
  catalog: CatalogStore;
  /** Closes the backend and opens the same database again; absent when it cannot. */
  reopen?: () => Promise<CatalogStore>;
  close(): Promise<void>;
}

export interface CatalogConformanceOptions {
  name: string;
  /** A ready (migrated), empty catalog. */
  open: () => Promise<OpenCatalog>;
  skip?: Readonly<Record<string, string>>;
}

type CatalogTests = Readonly<Record<string, (opened: OpenCatalog) => Promise<void>>>;

const SCHED = ['sub-1', 'rg-1', 'sched-1'] as const;

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isServerError(error, code), `expected ServerError ${code}, got ${String(error)}`);
    return true;
  });
}

const tests: CatalogTests = {
  'create then get returns the body, the path as created and an etag': async ({ catalog }) => {
    const created = await catalog.create('scheduler', SCHED, { location: 'westus', note: 'Hello, 世界! 🎉' });
    assert.deepEqual(created.path, [...SCHED]);
    assert.ok(created.etag.length > 0);
    const read = await catalog.get('scheduler', SCHED);
    assert.deepEqual(read, created);
  },

  'names compare case-insensitively and keep their case': async ({ catalog }) => {
    await catalog.create('resourceGroup', ['Sub-1', 'MyGroup'], { location: 'x' });
    const read = await catalog.get('resourceGroup', ['sub-1', 'MYGROUP']);
    assert.deepEqual(read?.path, ['Sub-1', 'MyGroup']);
    await rejectsWith(catalog.create('resourceGroup', ['SUB-1', 'mygroup'], {}), 'ALREADY_EXISTS');
  },

  'kinds are separate namespaces': async ({ catalog }) => {
    await catalog.create('taskHub', [...SCHED, 'default'], { hub: true });
    await catalog.create('retentionPolicy', [...SCHED, 'default'], { policy: true });
    assert.deepEqual((await catalog.get('taskHub', [...SCHED, 'default']))?.data, { hub: true });
    assert.deepEqual((await catalog.get('retentionPolicy', [...SCHED, 'default']))?.data, { policy: true });
    assert.equal(await catalog.get('scheduler', SCHED), undefined);
  },

  'list filters by prefix, orders by path and honours the limit': async ({ catalog }) => {
    await catalog.create('scheduler', ['s1', 'g2', 'b'], {});
    await catalog.create('scheduler', ['s1', 'g1', 'a'], {});
    await catalog.create('scheduler', ['s1', 'g1', 'C'], {});
    await catalog.create('scheduler', ['s1', 'g10', 'z'], {});
    await catalog.create('scheduler', ['s2', 'g1', 'a'], {});
    await catalog.create('taskHub', ['s1', 'g1', 'a', 'hub'], {});
    const names = (entries: { path: readonly string[] }[]) => entries.map((e) => e.path.join('/'));
    assert.deepEqual(names(await catalog.list('scheduler', ['s1', 'G1'], 100)), ['s1/g1/a', 's1/g1/C']);
    assert.deepEqual(names(await catalog.list('scheduler', ['s1'], 100)), ['s1/g1/a', 's1/g1/C', 's1/g10/z', 's1/g2/b']);
    assert.deepEqual(names(await catalog.list('scheduler', [], 100)), ['s1/g1/a', 's1/g1/C', 's1/g10/z', 's1/g2/b', 's2/g1/a']);
    assert.deepEqual(names(await catalog.list('scheduler', ['s1'], 2)), ['s1/g1/a', 's1/g1/C']);
    assert.deepEqual(names(await catalog.list('taskHub', ['s1', 'g1', 'a'], 100)), ['s1/g1/a/hub']);
    assert.deepEqual(await catalog.list('taskHub', ['s1', 'g1', 'c'], 100), []);
  },

  'update replaces the body and changes the etag; a stale etag is refused': async ({ catalog }) => {
    const created = await catalog.create('scheduler', SCHED, { v: 1 });
    const updated = await catalog.update('scheduler', ['SUB-1', 'rg-1', 'sched-1'], { v: 2 }, { ifMatch: created.etag });
    assert.notEqual(updated.etag, created.etag);
    assert.deepEqual(updated.path, [...SCHED]);
    assert.deepEqual((await catalog.get('scheduler', SCHED))?.data, { v: 2 });
    await rejectsWith(catalog.update('scheduler', SCHED, { v: 3 }, { ifMatch: created.etag }), 'PRECONDITION_FAILED');
    const unconditional = await catalog.update('scheduler', SCHED, { v: 4 });
    assert.deepEqual((await catalog.get('scheduler', SCHED))?.data, { v: 4 });
    assert.equal((await catalog.get('scheduler', SCHED))?.etag, unconditional.etag);
  },

  'update of a missing entry is RESOURCE_NOT_FOUND': async ({ catalog }) => {
    await rejectsWith(catalog.update('scheduler', SCHED, {}), 'RESOURCE_NOT_FOUND');
  },

  'delete removes the entry, reports whether it existed and honours ifMatch': async ({ catalog }) => {
    const created = await catalog.create('scheduler', SCHED, {});
    await rejectsWith(catalog.delete('scheduler', SCHED, { ifMatch: 'stale' }), 'PRECONDITION_FAILED');
    assert.equal(await catalog.delete('scheduler', ['sub-1', 'RG-1', 'sched-1'], { ifMatch: created.etag }), true);
    assert.equal(await catalog.get('scheduler', SCHED), undefined);
    assert.equal(await catalog.delete('scheduler', SCHED), false);
    const again = await catalog.create('scheduler', SCHED, {});
    assert.notEqual(again.etag, created.etag, 'a re-created entry never reuses an old etag');
  },

  'entries survive closing and reopening the database': async (opened) => {
    if (opened.reopen === undefined) throw new Error('reopen not given');
    const created = await opened.catalog.create('taskHub', [...SCHED, 'hub'], { n: 1 });
    const reopened = await opened.reopen();
    assert.deepEqual(await reopened.get('taskHub', [...SCHED, 'hub']), created);
  },
};

export function describeCatalogConformance(options: CatalogConformanceOptions): void {
  const skip = options.skip ?? {};
  const unknown = Object.keys(skip).filter((name) => !(name in tests));
  if (unknown.length > 0) throw new Error(`catalog conformance (${options.name}): skip names unknown tests: ${unknown.join(', ')}`);
  describe(`catalog conformance: ${options.name}`, () => {
    for (const [name, body] of Object.entries(tests)) {
      const reason = skip[name];
      if (reason !== undefined) {
        test(name, { skip: reason }, () => {});
        continue;
      }
      test(name, async () => {
        const opened = await options.open();
        try {
          await body(opened);
        } finally {
          await opened.close();
        }
      });
    }
  });
}
