/**
 * Wake-ups across nodes. After a write transaction commits, its StoreEvents are sent to the
 * other nodes with `pg_notify` on this node's one dedicated connection, which also LISTENs and
 * hands other nodes' events to the subscribers (this node's own events are published directly,
 * so they are skipped here). That connection runs with `synchronous_commit = off`: a NOTIFY holds
 * a database-wide lock until its transaction has committed, so sent from inside the durable
 * write transactions it made every commit wait for the one before it to reach the disk.
 *
 * A notification can be lost (the node dies between COMMIT and NOTIFY, the connection drops, the
 * database restarts), so a slow safety poll emits 'work' events for every hub: a lost
 * notification delays work by at most one poll interval and never loses it. The listener
 * reconnects with back-off by itself and, when it is back, sends a 'resync' event (waiters
 * re-read their instances) and wakes every hub.
 */
import pg from 'pg';
import type { StoreEvent } from '../store.ts';
import { clientConfig } from './connection.ts';

const CHANNEL = 'dts_events';
/** PostgreSQL refuses payloads of 8000 bytes and more; stay well below. */
const PAYLOAD_CHARS_MAX = 6000;
const VISIBLE_TIMES_MAX = 16;

interface Payload {
  n: string;
  e: StoreEvent[];
}

/** The NOTIFY payloads for `events`: compacted, several when large. */
function payloadsOf(nodeId: string, events: readonly StoreEvent[]): string[] {
  const payloads: string[] = [];
  let batch: StoreEvent[] = [];
  let size = 0;
  for (const event of compactEvents(events)) {
    const length = JSON.stringify(event).length + 1;
    if (batch.length > 0 && size + length > PAYLOAD_CHARS_MAX) {
      payloads.push(JSON.stringify({ n: nodeId, e: batch } satisfies Payload));
      batch = [];
      size = 0;
    }
    batch.push(event);
    size += length;
  }
  if (batch.length > 0) payloads.push(JSON.stringify({ n: nodeId, e: batch } satisfies Payload));
  return payloads;
}

/** Drops repeated work events: per hub and kind, a few distinct visibility times (the earliest) are enough. */
function compactEvents(events: readonly StoreEvent[]): StoreEvent[] {
  const out: StoreEvent[] = events.filter((event) => event.type !== 'work');
  const work = events.filter((event) => event.type === 'work').sort((a, b) => a.visibleAt - b.visibleAt);
  const times = new Map<string, Set<number>>();
  for (const event of work) {
    const key = `${event.hub}\n${event.kind}`;
    const seen = times.get(key) ?? new Set<number>();
    times.set(key, seen);
    if (seen.has(event.visibleAt) || seen.size >= VISIBLE_TIMES_MAX) continue;
    seen.add(event.visibleAt);
    out.push(event);
  }
  return out;
}

export interface ListenerOptions {
  url: string;
  nodeId: string;
  /** Milliseconds between safety polls; 0 turns the poll off. */
  pollMs: number;
  hubs: () => Promise<string[]>;
  kinds: readonly string[];
  deliver: (events: StoreEvent[]) => void;
  log: (message: string, error?: unknown) => void;
}

export class Listener {
  readonly #options: ListenerOptions;
  #client: pg.Client | undefined;
  #stopped = false;
  #retryMs = 250;
  #poll: NodeJS.Timeout | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  /** Committed events not sent yet; one NOTIFY statement is in flight at a time and takes them all. */
  #outbox: StoreEvent[] = [];
  #sending = false;

  constructor(options: ListenerOptions) {
    this.#options = options;
  }

  /** Connects and listens; a failure here is reported to the caller (the database is down at start). */
  async start(): Promise<void> {
    await this.#connect();
    if (this.#options.pollMs > 0) {
      this.#poll = setInterval(() => void this.#wakeAll(), this.#options.pollMs);
      this.#poll.unref();
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#poll);
    clearTimeout(this.#reconnect);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Sends the events of a committed transaction to the other nodes. */
  send(events: readonly StoreEvent[]): void {
    if (events.length === 0 || this.#stopped) return;
    this.#outbox.push(...events);
    if (!this.#sending) void this.#flush();
  }

  async #flush(): Promise<void> {
    this.#sending = true;
    while (this.#outbox.length > 0 && !this.#stopped) {
      const events = this.#outbox;
      this.#outbox = [];
      // Without a connection the events are dropped: the other nodes' safety poll finds the work.
      await this.#client
        ?.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [CHANNEL, payloadsOf(this.#options.nodeId, events)])
        .catch(() => undefined); // the connection's 'error' handler reconnects
    }
    this.#sending = false;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(clientConfig(this.#options.url));
    client.on('notification', (message) => this.#onNotification(message.payload));
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, undefined));
    await client.connect();
    await client.query('SET synchronous_commit = off');
    await client.query(`LISTEN ${CHANNEL}`);
    if (this.#stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#retryMs = 250;
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#stopped || this.#client !== client) return;
    this.#client = undefined;
    this.#options.log('store: the notification connection to PostgreSQL was lost; reconnecting', error);
    client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    this.#reconnect = setTimeout(() => {
      this.#connect().then(
        // Notifications sent while it was away are gone: waiters re-read, every hub wakes once.
        () => {
          if (!this.#stopped) this.#options.deliver([{ type: 'resync' }]);
          return this.#wakeAll();
        },
        () => {
          this.#retryMs = Math.min(this.#retryMs * 2, 5000);
          this.#scheduleReconnect();
        },
      );
    }, this.#retryMs);
    this.#reconnect.unref();
  }

  #onNotification(text: string | undefined): void {
    if (text === undefined) return;
    let payload: Payload;
    try {
      payload = JSON.parse(text) as Payload;
    } catch (error) {
      this.#options.log('store: ignored an unreadable notification', error);
      return;
    }
    if (payload.n === this.#options.nodeId || !Array.isArray(payload.e)) return;
    this.#options.deliver(payload.e);
  }

  async #wakeAll(): Promise<void> {
    if (this.#stopped) return;
    let hubs: string[];
    try {
      hubs = await this.#options.hubs();
    } catch {
      return; // The database is away; the next poll tries again.
    }
    const events: StoreEvent[] = [];
    for (const hub of hubs) {
      for (const kind of this.#options.kinds) events.push({ type: 'work', hub, kind, visibleAt: 0 } as StoreEvent);
    }
    if (events.length > 0 && !this.#stopped) this.#options.deliver(events);
  }
}
