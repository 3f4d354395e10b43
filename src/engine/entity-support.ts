/**
 * Which worker streams may be given entity work. The rule, and why:
 *
 * - A stream whose `GetWorkItemsRequest` declares `maxConcurrentEntityWorkItems > 0` takes
 *   entity work (.NET and Java set that field exactly when they host entities).
 * - A stream whose work-item filters name entities takes those entities (and only those; the
 *   dispatcher matches the filters), e.g. `@microsoft/durabletask-js` with `workItemFilters: "auto"`.
 * - A stream whose call carries an `x-user-agent` header takes it: only the newer SDKs' managed
 *   layers send one, and `@dapr/durabletask-js` cannot send metadata at all.
 * - A stream opened by gRPC for Python (`user-agent: grpc-python/...`) takes it: durabletask-python's
 *   worker answers every entity work item (an unregistered entity fails its operations) but, up
 *   to 1.12.0 at least, declares only its orchestration and activity limits.
 * - A stream that declared other fields (limits, capabilities, filters) but no entity limit does
 *   not: those SDKs use the entity limit as their "I host entities" signal.
 * - A stream that declared nothing is ambiguous: `@microsoft/durabletask-js` (handles entities)
 *   and `@dapr/durabletask-js` (cannot; it drops unknown work items) send byte-identical requests,
 *   the same `user-agent` and the same Hello. Their completions tell them apart without sending
 *   the worker anything (`learnFromCompletion`): JS-MS echoes the work item's completion token
 *   (`learned`: it speaks the entity protocol, whether it hosts entities is not known), the Dapr
 *   SDK, on the older protocol, never does (`never`). A learned stream gets entity work only
 *   while the hub has entity work and no capable stream is connected at all (not just none with
 *   room), so a worker that names its entities in filters keeps them to itself.
 * - Only a stream that declared nothing and has completed nothing yet is asked, in that same
 *   case: the server sends it a probe, an `entityRequestV2` with no operations for the reserved
 *   entity `@dts-capability-probe@<n>`, which JS-MS answers with `CompleteEntityTask` (capable)
 *   and the Dapr SDK ignores. That probe is the one thing such a worker can see in its log
 *   ("Received Entity Request V2 ..."): no field of GetWorkItemsRequest, header or other RPC sets
 *   JS-MS apart before it completes something, and the protocol has no message that JS-MS answers
 *   without logging it. The probe holds no lease and no operation, so an unanswered one costs
 *   nothing.
 */
import type { IdSource } from '../lib/ids.ts';
import type { WorkerStream } from './worker-streams.ts';

/**
 * `capable`: takes entity work. `learned`: speaks the entity protocol, hosting unknown; takes
 * entity work (as `fallback`) only while no capable stream is connected. `unknown`: declared
 * nothing and completed nothing; `probed`: asked, no answer yet; `never`: gets no entity work.
 */
export type EntitySupport = 'capable' | 'fallback' | 'learned' | 'unknown' | 'probed' | 'never';

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

/**
 * What a completion from a stream that declared nothing tells (see above): a completion token
 * echoed means `@microsoft/durabletask-js`, none means `@dapr/durabletask-js`.
 */
export function learnFromCompletion(stream: { entitySupport: EntitySupport }, completionToken: string): void {
  if (stream.entitySupport !== 'unknown' && stream.entitySupport !== 'probed') return;
  stream.entitySupport = completionToken !== '' ? 'learned' : 'never';
}

/**
 * Fits the learned streams of a hub to its capable ones before entity work is claimed: while a
 * capable stream is connected, learned streams get no entity work; otherwise they take it.
 * True when the caller should look for entity work for streams that are still undecided
 * (`findEntityTakers`).
 */
export function balanceEntityTakers(streams: readonly WorkerStream[]): boolean {
  const open = streams.filter((s) => !s.closed);
  if (open.some((s) => s.entitySupport === 'capable')) {
    for (const s of open) if (s.entitySupport === 'fallback') s.entitySupport = 'learned';
    return false;
  }
  return open.some((s) => s.entitySupport === 'learned' || s.entitySupport === 'unknown');
}

/**
 * The hub has entity work and no capable stream: learned streams take it (`fallback`), and
 * those that declared and completed nothing are probed. True when a stream can take it now.
 */
export function findEntityTakers(streams: readonly WorkerStream[], probes: EntityProbes): boolean {
  let found = false;
  for (const stream of streams) {
    if (stream.entitySupport === 'learned' && !stream.closed) {
      stream.entitySupport = 'fallback';
      found = true;
    }
  }
  probes.probe(streams);
  return found;
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
