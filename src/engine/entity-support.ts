/**
 * Which worker streams may be given entity work. The rule, and why:
 *
 * - A stream whose `GetWorkItemsRequest` declares `maxConcurrentEntityWorkItems > 0` takes
 *   entity work (.NET and Java set that field exactly when they host entities).
 * - A stream whose call carries an `x-user-agent` header takes it: only the newer SDKs' managed
 *   layers send one, and `@dapr/durabletask-js` cannot send metadata at all.
 * - A stream opened by gRPC for Python (`user-agent: grpc-python/...`) takes it: durabletask-python's
 *   worker answers every entity work item (an unregistered entity fails its operations) but, up
 *   to 1.12.0 at least, declares only its orchestration and activity limits.
 * - A stream that declared other fields (limits, capabilities, filters) but no entity limit does
 *   not: those SDKs use the entity limit as their "I host entities" signal.
 * - A stream that declared nothing is ambiguous: `@microsoft/durabletask-js` (handles entities)
 *   and `@dapr/durabletask-js` (cannot; it drops unknown work items silently) send byte-identical
 *   requests and the same `user-agent`. Such a stream is asked once, when the hub has entity work
 *   and no capable stream has room: the server sends it a probe, an `entityRequestV2` with no
 *   operations for the reserved entity `@dts-capability-probe@<n>`. JS-MS answers any entity
 *   request with `CompleteEntityTask`, which marks the stream capable. The Dapr SDK does not know
 *   the message kind and ignores it as it ignores health pings, so it never receives real entity
 *   work. The probe holds no lease and no operation, so an unanswered probe costs nothing.
 */
import type { IdSource } from '../lib/ids.ts';
import type { WorkerStream } from './worker-streams.ts';

export type EntitySupport = 'capable' | 'unknown' | 'probed' | 'never';

/** What a stream's opening call said about itself, as the protocol layer saw it. */
export interface StreamDeclaration {
  entityCap: number;
  /** Any field of the request set at all (limits, capabilities, filters). */
  declaredAnything: boolean;
  /** The value of the `x-user-agent` header, if sent. */
  userAgent?: string;
  /** The value of gRPC's own `user-agent` header, if sent. */
  grpcUserAgent?: string;
}

export function entitySupportOf(declaration: StreamDeclaration): EntitySupport {
  if (declaration.entityCap > 0) return 'capable';
  if (declaration.userAgent !== undefined && declaration.userAgent !== '') return 'capable';
  if (declaration.grpcUserAgent?.startsWith('grpc-python/') === true) return 'capable';
  return declaration.declaredAnything ? 'never' : 'unknown';
}

export const PROBE_ENTITY_NAME = 'dts-capability-probe';

export class EntityProbes {
  readonly #ids: IdSource;
  readonly #pending = new Map<string, WorkerStream>();

  constructor(ids: IdSource) {
    this.#ids = ids;
  }

  /** Probes every stream of `streams` whose support is unknown; each is asked at most once. */
  probe(streams: readonly WorkerStream[]): void {
    for (const [token, stream] of this.#pending) if (stream.closed) this.#pending.delete(token);
    for (const stream of streams) {
      if (stream.entitySupport !== 'unknown' || stream.closed) continue;
      stream.entitySupport = 'probed';
      const completionToken = `probe.${this.#ids.token()}`;
      this.#pending.set(completionToken, stream);
      stream.sendUntracked({ kind: 'entityProbe', completionToken, instanceId: `@${PROBE_ENTITY_NAME}@${stream.id}` });
    }
  }

  /** The stream that answered a probe with this token, now marked capable; else undefined. */
  answer(completionToken: string): WorkerStream | undefined {
    const stream = this.#pending.get(completionToken);
    if (stream === undefined) return undefined;
    this.#pending.delete(completionToken);
    if (!stream.closed) stream.entitySupport = 'capable';
    return stream;
  }
}
