/**
 * The connected workers of each task hub: their declared caps, what each has in flight, and
 * which one gets the next work item (round robin among those with room).
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { StreamSlot } from './dispatched-work.ts';
import type { WorkerCaps, WorkItemMessage, WorkKind } from './work-item.ts';

export class WorkerStream implements StreamSlot {
  readonly id: number;
  readonly hub: TaskHubName;
  readonly caps: WorkerCaps;
  readonly #send: (item: WorkItemMessage) => void;
  readonly inFlight = new Map<string, WorkKind>();
  readonly #counts = { orchestration: 0, activity: 0 };
  closed = false;

  constructor(id: number, hub: TaskHubName, caps: WorkerCaps, send: (item: WorkItemMessage) => void) {
    this.id = id;
    this.hub = hub;
    this.caps = caps;
    this.#send = send;
  }

  /** Free slots for `kind`; `unlimited` stands for a stream without a cap. */
  room(kind: WorkKind, unlimited: number): number {
    if (this.closed) return 0;
    const cap = this.caps[kind];
    return cap === 0 ? unlimited : Math.max(0, cap - this.#counts[kind]);
  }

  deliver(token: string, kind: WorkKind, item: WorkItemMessage): void {
    this.inFlight.set(token, kind);
    this.#counts[kind]++;
    this.#send(item);
  }

  ping(): void {
    if (!this.closed) this.#send({ kind: 'healthPing' });
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

  add(hub: TaskHubName, caps: WorkerCaps, send: (item: WorkItemMessage) => void): WorkerStream {
    const stream = new WorkerStream(this.#nextId++, hub, caps, send);
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

  totalRoom(hub: string, kind: WorkKind, unlimited: number): number {
    let room = 0;
    for (const s of this.of(hub)) room += s.room(kind, unlimited);
    return Math.min(room, unlimited);
  }

  /** The next stream with room for `kind`, round robin. */
  pick(hub: string, kind: WorkKind): WorkerStream | undefined {
    const list = this.of(hub);
    const start = this.#cursor.get(hub) ?? 0;
    for (let i = 0; i < list.length; i++) {
      const stream = list[(start + i) % list.length];
      if (stream !== undefined && stream.room(kind, 1) > 0) {
        this.#cursor.set(hub, (start + i + 1) % list.length);
        return stream;
      }
    }
    return undefined;
  }
}
