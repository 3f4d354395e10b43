/**
 * The connected workers of each task hub: their declared caps, what each has in flight, and
 * which one gets the next work item (round robin among those with room). A stream whose
 * transport cannot take more (its `send` returned false) has no room until it drains, so new
 * work goes to the other streams.
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { StreamSlot } from './dispatched-work.ts';
import type { EntitySupport } from './entity-support.ts';
import type { WorkerCaps, WorkItemMessage, WorkKind } from './work-item.ts';
import { acceptsWork, type WorkIdentity, type WorkItemFilters } from './work-item-filters.ts';

export class WorkerStream implements StreamSlot {
  readonly id: number;
  readonly hub: TaskHubName;
  readonly caps: WorkerCaps;
  readonly #send: (item: WorkItemMessage) => boolean;
  readonly #inFlightMax: WorkerCaps;
  readonly inFlight = new Map<string, WorkKind>();
  readonly #counts = { orchestration: 0, activity: 0, entity: 0 };
  /** Whether entity work may be sent here; see entity-support.ts. */
  entitySupport: EntitySupport = 'unknown';
  /** The work this worker declared it can run; undefined: anything (work-item-filters.ts). */
  filters: WorkItemFilters | undefined;
  closed = false;
  /** The transport's buffer is full; nothing more is sent until it drains. */
  blocked = false;
  /** The worker declared HISTORY_STREAMING: large histories go by StreamInstanceHistory. */
  historyStreaming = false;

  readonly #onDeliver: (kind: WorkKind) => void;
  /**
   * Something was sent since the last health-ping tick; a new stream counts as busy, so it
   * never opens with a ping (the Dapr SDK logs every ping as an unknown work item).
   */
  #sentSinceTick = true;

  constructor(
    id: number,
    hub: TaskHubName,
    caps: WorkerCaps,
    inFlightMaxDefault: WorkerCaps,
    send: (item: WorkItemMessage) => boolean,
    onDeliver: (kind: WorkKind) => void = () => {},
  ) {
    this.#onDeliver = onDeliver;
    this.id = id;
    this.hub = hub;
    this.caps = caps;
    this.#send = send;
    // A worker that declares no cap (the JS SDKs) still gets a bounded number of items in
    // flight: the rest wait in the store, visible as pending, and memory stays flat.
    this.#inFlightMax = {
      orchestration: caps.orchestration === 0 ? inFlightMaxDefault.orchestration : caps.orchestration,
      activity: caps.activity === 0 ? inFlightMaxDefault.activity : caps.activity,
      entity: caps.entity === 0 ? inFlightMaxDefault.entity : caps.entity,
    };
  }

  /** Free slots for `kind`; none while the transport is full. */
  room(kind: WorkKind): number {
    if (this.closed || this.blocked) return 0;
    if (kind === 'entity' && this.entitySupport !== 'capable' && this.entitySupport !== 'fallback') return 0;
    return Math.max(0, this.#inFlightMax[kind] - this.#counts[kind]);
  }

  deliver(token: string, kind: WorkKind, item: WorkItemMessage): void {
    this.#sentSinceTick = true;
    this.inFlight.set(token, kind);
    this.#counts[kind]++;
    this.#onDeliver(kind);
    if (!this.#send(item)) this.blocked = true;
  }

  /** Sends a message that is not tracked as work in flight (the entity capability probe). */
  sendUntracked(item: WorkItemMessage): void {
    this.#sentSinceTick = true;
    if (!this.closed && !this.blocked) this.#send(item);
  }

  /** Called every health-ping interval: pings only a stream that sent nothing for a whole interval. */
  pingIfIdle(): void {
    if (this.#sentSinceTick) {
      this.#sentSinceTick = false;
      return;
    }
    if (!this.closed && !this.blocked) this.#send({ kind: 'healthPing' });
  }

  /** Items of each kind in flight now. */
  activeCounts(): Readonly<Record<WorkKind, number>> {
    return { ...this.#counts };
  }

  release(token: string): void {
    const kind = this.inFlight.get(token);
    if (kind === undefined) return;
    this.inFlight.delete(token);
    this.#counts[kind]--;
  }
}

export class WorkerStreams {
  readonly #byHub = new Map<string, WorkerStream[]>();
  readonly #cursor = new Map<string, number>();
  #nextId = 1;

  readonly #inFlightMaxDefault: WorkerCaps;

  /** Told of every work item delivered (dispatch-rate.ts). */
  readonly #onDeliver: (hub: TaskHubName, kind: WorkKind) => void;

  constructor(inFlightMaxDefault: WorkerCaps, onDeliver: (hub: TaskHubName, kind: WorkKind) => void = () => {}) {
    this.#inFlightMaxDefault = inFlightMaxDefault;
    this.#onDeliver = onDeliver;
  }

  add(hub: TaskHubName, caps: WorkerCaps, send: (item: WorkItemMessage) => boolean): WorkerStream {
    const stream = new WorkerStream(this.#nextId++, hub, caps, this.#inFlightMaxDefault, send, (kind) => this.#onDeliver(hub, kind));
    const list = this.#byHub.get(hub) ?? [];
    list.push(stream);
    this.#byHub.set(hub, list);
    return stream;
  }

  remove(stream: WorkerStream): void {
    stream.closed = true;
    const list = (this.#byHub.get(stream.hub) ?? []).filter((s) => s !== stream);
    if (list.length === 0) this.#byHub.delete(stream.hub);
    else this.#byHub.set(stream.hub, list);
  }

  of(hub: string): readonly WorkerStream[] {
    return this.#byHub.get(hub) ?? [];
  }

  all(): WorkerStream[] {
    return [...this.#byHub.values()].flat();
  }

  /** Free slots of all streams of `hub`, at most `max`. */
  totalRoom(hub: string, kind: WorkKind, max: number): number {
    let room = 0;
    for (const s of this.of(hub)) room += s.room(kind);
    return Math.min(room, max);
  }

  /** True when some stream of `hub` declared work-item filters. */
  anyFiltered(hub: string): boolean {
    return this.of(hub).some((s) => s.filters !== undefined);
  }

  /** The next stream with room for `kind` (whose filters accept `work`, when given), round robin. */
  pick(hub: string, kind: WorkKind, work?: WorkIdentity): WorkerStream | undefined {
    const list = this.of(hub);
    const start = this.#cursor.get(hub) ?? 0;
    for (let i = 0; i < list.length; i++) {
      const stream = list[(start + i) % list.length];
      if (stream !== undefined && stream.room(kind) > 0 && (work === undefined || acceptsWork(stream.filters, work))) {
        this.#cursor.set(hub, (start + i + 1) % list.length);
        return stream;
      }
    }
    return undefined;
  }
}
